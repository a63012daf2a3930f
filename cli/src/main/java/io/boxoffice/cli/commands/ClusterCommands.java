package io.boxoffice.cli.commands;

import io.boxoffice.cli.render.Views;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.TransferLeadershipResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Operator commands (the admin role is needed). */
@Command(name = "cluster", description = "Inspect and change the Raft cluster (admin).",
        subcommands = {ClusterCommands.Status.class, ClusterCommands.TransferLeader.class, ClusterCommands.Add.class,
                ClusterCommands.Remove.class})
public final class ClusterCommands {

    @Command(name = "status", description = "A table of the nodes: role, term, leader, commit/applied index, lag, health.")
    public static final class Status extends UserCommands.Base {
        @Override
        public Integer call() {
            CliContext context = context();
            ClusterStatus status = context.api().clusterStatus();
            out().print(context.json() ? Output.json(status) + "\n" : Views.cluster(status, context.ansi()));
            return 0;
        }
    }

    @Command(name = "transfer-leader", description = "Hand leadership to a node (default: the most caught-up voter).")
    public static final class TransferLeader extends UserCommands.Base {
        @Option(names = "--to", paramLabel = "NODE_ID")
        String target;

        @Override
        public Integer call() {
            CliContext context = context();
            TransferLeadershipResponse response = context.api().transferLeadership(target);
            out().print(context.json() ? Output.json(response) + "\n" : "Leadership moved from "
                    + response.getPreviousLeaderId() + " to " + response.getNewLeaderId() + "\n");
            return 0;
        }
    }

    @Command(name = "add", description = "Add a node as a learner; it is promoted to voter once caught up.")
    public static final class Add extends UserCommands.Base {
        @Parameters(index = "0", paramLabel = "NODE_ID")
        String nodeId;
        @Parameters(index = "1", paramLabel = "PEER_ADDRESS", description = "host:port of the node's peer endpoint.")
        String address;

        @Override
        public Integer call() {
            CliContext context = context();
            ClusterStatus status = context.api().addMember(nodeId, address);
            out().print(context.json() ? Output.json(status) + "\n" : "Added " + nodeId + " as a learner.\n"
                    + Views.cluster(status, context.ansi()));
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a member from the cluster.")
    public static final class Remove extends UserCommands.Base {
        @Parameters(index = "0", paramLabel = "NODE_ID")
        String nodeId;

        @Override
        public Integer call() {
            CliContext context = context();
            ClusterStatus status = context.api().removeMember(nodeId);
            out().print(context.json() ? Output.json(status) + "\n" : "Removed " + nodeId + ".\n"
                    + Views.cluster(status, context.ansi()));
            return 0;
        }
    }
}
