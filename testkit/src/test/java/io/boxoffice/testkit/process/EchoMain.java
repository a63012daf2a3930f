package io.boxoffice.testkit.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A child for NodeProcessTest: says it is ready, echoes stdin lines, exits on "exit N", logs to stderr. */
public final class EchoMain {

    private EchoMain() {
    }

    public static void main(String[] args) throws Exception {
        System.err.println("started with " + String.join(" ", args) + " NODE_COLOUR=" + System.getenv("NODE_COLOUR")
                + " PATH inherited=" + (System.getenv("PATH") != null));
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("exit ")) {
                System.exit(Integer.parseInt(line.substring(5).strip()));
            }
            System.out.println("echo " + line);
            System.out.flush();
        }
        // stdin closed: stay alive until killed, like a server.
        Thread.sleep(Long.MAX_VALUE);
    }
}
