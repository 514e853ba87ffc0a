import { SesameProvider } from "@sesame/client/react";
import { QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter } from "react-router";
import type { Api } from "./api/create-api.ts";
import { TRPCProvider } from "./api/trpc.ts";
import { AppRoutes } from "./routes/app-routes.tsx";

export function App({ api }: { api: Api }) {
  return (
    <SesameProvider session={api.session}>
      <QueryClientProvider client={api.queryClient}>
        <TRPCProvider trpcClient={api.trpcClient} queryClient={api.queryClient}>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </TRPCProvider>
      </QueryClientProvider>
    </SesameProvider>
  );
}
