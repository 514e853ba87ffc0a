// A team's server file, written against the installed packages only: it is
// typechecked with `moduleResolution: nodenext`, compiled, and run by the test.
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import {
  createSesame,
  protectedProcedure,
  type SesameContext,
  sesameErrorData,
  sesameRouters,
} from "@sesame/trpc";
import { initTRPC } from "@trpc/server";

const [dataDir = "./data", portText = "0"] = process.argv.slice(2);
const server = createServer();
await new Promise<void>((resolve) => server.listen(Number(portText), "127.0.0.1", resolve));
const address = server.address();
const port = typeof address === "object" && address ? address.port : 0;

const sesame = await createSesame({
  publicUrl: `http://localhost:${port}`,
  database: `${dataDir}/sesame.db`,
  log: () => {},
});

const t = initTRPC.context<SesameContext>().create({
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: { ...shape.data, ...sesameErrorData(error) },
  }),
});
const authed = t.procedure.concat(protectedProcedure);

const appRouter = t.router({
  ...sesameRouters,
  greeting: authed.query(({ ctx }) => ({ hello: ctx.user.id, role: ctx.user.role })),
});
export type AppRouter = typeof appRouter;

server.on("request", getRequestListener(sesame.http({ router: appRouter }).fetch));
console.log(`consumer listening on http://localhost:${port}`);
process.once("SIGTERM", () => {
  server.close();
  void sesame.close().then(() => process.exit(0));
});
