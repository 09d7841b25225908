#!/usr/bin/env python3
"""Records what a SPICE server sends on the cursor channel to a real client.

A loopback relay: listens on --listen, connects every accepted client to
--server, passes bytes both ways unchanged, and writes what the server sent
on the cursor channel (from the first byte of the link reply, like
spice_capture's <channel>.in.bin) to --out. The channel type is read from the
client's SpiceLinkMess (byte 20 of its first bytes).

Used because spice_capture asks for client mouse mode, in which spice-server
sends no CURSOR_MOVE; vigil stays in server mode and gets them. See README.md.
"""
import argparse
import selectors
import socket
import time

CURSOR_CHANNEL = 4
CHANNEL_TYPE_OFFSET = 20  # SpiceLinkHeader (16) + connection_id (4)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--server", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    listener = socket.create_server(("127.0.0.1", args.listen))
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    peers = {}  # socket -> (other socket, connection record, True if it is the server side)
    connections = []
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.1):
            if key.fileobj is listener:
                client, _ = listener.accept()
                server = socket.create_connection(("127.0.0.1", args.server))
                record = {"from_client": bytearray(), "from_server": bytearray()}
                connections.append(record)
                peers[client] = (server, record, False)
                peers[server] = (client, record, True)
                selector.register(client, selectors.EVENT_READ, None)
                selector.register(server, selectors.EVENT_READ, None)
                continue
            sock = key.fileobj
            if sock not in peers:  # closed with its peer earlier in this round
                continue
            other, record, from_server = peers[sock]
            data = sock.recv(65536)
            if not data:
                for end in (sock, other):
                    if end in peers:
                        selector.unregister(end)
                        del peers[end]
                        end.close()
                continue
            record["from_server" if from_server else "from_client"] += data
            other.sendall(data)
    cursor = [c for c in connections
              if len(c["from_client"]) > CHANNEL_TYPE_OFFSET
              and c["from_client"][CHANNEL_TYPE_OFFSET] == CURSOR_CHANNEL]
    if len(cursor) != 1:
        raise SystemExit(f"expected one cursor channel connection, saw {len(cursor)}")
    with open(args.out, "wb") as out:
        out.write(cursor[0]["from_server"])
    print(f"wrote {args.out} ({len(cursor[0]['from_server'])} bytes)")


if __name__ == "__main__":
    main()
