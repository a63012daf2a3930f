package io.boxoffice.testkit.network;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** For NetworkLabTest, run inside a pod: {@code listen PORT} accepts forever; {@code connect HOST PORT} prints the result. */
public final class ProbeMain {

    private ProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("listen")) {
            try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]))) {
                System.out.println("listening");
                System.out.flush();
                while (true) {
                    server.accept().close();
                }
            }
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 1_500);
            System.out.println("connected");
        } catch (Exception e) {
            System.out.println("failed " + e.getClass().getSimpleName());
        }
    }
}
