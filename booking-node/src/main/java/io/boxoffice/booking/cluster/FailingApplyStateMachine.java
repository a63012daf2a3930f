package io.boxoffice.booking.cluster;

import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.CommandBatch;
import io.boxoffice.raft.server.StateMachine;
import java.io.IOException;
import java.io.InputStream;

/**
 * A failpoint for fault-injection tests (off unless {@code boxoffice.failpoints.fail-apply-on-username} is
 * set on a node): wraps the state machine and throws, as a bug in the apply path would, when a committed
 * command registers the named user. Set on one node only, it shows that this node ends its process at once
 * with a non-zero status while the others go on serving; set on all, the whole cluster would stop, which is
 * what a deterministic apply bug does (the command is in every log).
 */
final class FailingApplyStateMachine<R> implements StateMachine<R> {

    private final StateMachine<R> delegate;
    private final String username;

    FailingApplyStateMachine(StateMachine<R> delegate, String username) {
        this.delegate = delegate;
        this.username = username;
    }

    @Override
    public long open() {
        return delegate.open();
    }

    @Override
    public R apply(long index, byte[] command) {
        try {
            for (Command each : CommandBatch.parseFrom(command).getCommandsList()) {
                if (each.hasRegisterUser() && each.getRegisterUser().getUsername().equals(username)) {
                    throw new IllegalStateException("failpoint boxoffice.failpoints.fail-apply-on-username: "
                            + "applying the registration of '" + username + "' at index " + index + " fails");
                }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            // Not ours to judge: the delegate decides what a malformed entry means.
        }
        return delegate.apply(index, command);
    }

    @Override
    public void endBatch(long appliedIndex) {
        delegate.endBatch(appliedIndex);
    }

    @Override
    public StateCapture capture() {
        return delegate.capture();
    }

    @Override
    public void restore(long index, InputStream payload) throws IOException {
        delegate.restore(index, payload);
    }
}
