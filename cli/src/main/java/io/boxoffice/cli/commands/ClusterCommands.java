package io.boxoffice.cli.commands;

import io.boxoffice.cli.render.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Operator commands (the admin role is needed). */
@Command(name = "cluster", description = "Inspect and change the Raft cluster (admin).",
        subcommands = {ClusterCommands.Status.class, ClusterCommands.TransferLeader.class, ClusterCommands.Add.class,
                ClusterCommands.Remove.class})
public final class ClusterCommands {

    @Command(name = "status", description = "A table of the nodes: role, term, leader, commit/applied index, lag, health.")
    public static final class Status extends CommandBase {
        @Override
        public Integer call() {
            return answer(context().api().clusterStatus(), status -> Views.cluster(status, context().ansi()));
        }
    }

    @Command(name = "transfer-leader", description = "Hand leadership to a node (default: the most caught-up voter).")
    public static final class TransferLeader extends CommandBase {
        @Option(names = "--to", paramLabel = "NODE_ID")
        String target;

        @Override
        public Integer call() {
            return answer(context().api().transferLeadership(target), response -> "Leadership moved from "
                    + response.getPreviousLeaderId() + " to " + response.getNewLeaderId());
        }
    }

    @Command(name = "add", description = "Add a node as a learner; it is promoted to voter once caught up.")
    public static final class Add extends CommandBase {
        @Parameters(index = "0", paramLabel = "NODE_ID")
        String nodeId;
        @Parameters(index = "1", paramLabel = "PEER_ADDRESS", description = "host:port of the node's peer endpoint.")
        String address;

        @Override
        public Integer call() {
            return answer(context().api().addMember(nodeId, address), status -> "Added " + nodeId + " as a learner.\n"
                    + Views.cluster(status, context().ansi()));
        }
    }

    @Command(name = "remove", description = "Remove a member from the cluster.")
    public static final class Remove extends CommandBase {
        @Parameters(index = "0", paramLabel = "NODE_ID")
        String nodeId;

        @Override
        public Integer call() {
            return answer(context().api().removeMember(nodeId), status -> "Removed " + nodeId + ".\n"
                    + Views.cluster(status, context().ansi()));
        }
    }
}
