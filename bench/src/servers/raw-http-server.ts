import { createServer } from "node:http";
import { runChild } from "./child-protocol.ts";
import { closeServer, listenOnLoopback } from "./listen.ts";
import { PING_RESPONSE_BODY } from "./ping-body.ts";

/** The ceiling: plain node:http answering the trivial query's JSON, no framework at all. */
await runChild(async () => {
  const body = Buffer.from(PING_RESPONSE_BODY);
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
  const url = await listenOnLoopback(server);
  return { url, close: () => closeServer(server) };
});
