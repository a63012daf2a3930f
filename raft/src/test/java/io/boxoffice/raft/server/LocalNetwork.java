package io.boxoffice.raft.server;

import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.transport.Transport;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An in-process network for driver tests: delivers directly, and can isolate members. */
final class LocalNetwork {

    private final Map<String, Transport.Inbox> inboxesById = new ConcurrentHashMap<>();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();

    Transport transportFor(String id) {
        return new Transport() {
            @Override
            public void start(Inbox inbox) {
                inboxesById.put(id, inbox);
            }

            @Override
            public void send(Message message) {
                Inbox target = inboxesById.get(message.to());
                if (target != null && !isolated.contains(message.from()) && !isolated.contains(message.to())) {
                    target.deliver(message);
                }
            }

            @Override
            public void updatePeers(Map<String, String> addressesById) {
                // Everyone is reachable by id in-process.
            }

            @Override
            public void close() {
                inboxesById.remove(id);
            }
        };
    }

    void isolate(String id) {
        isolated.add(id);
    }

    void heal(String id) {
        isolated.remove(id);
    }
}
