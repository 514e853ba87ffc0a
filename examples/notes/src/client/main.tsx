import { SesameProvider } from "@sesame/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { sesame } from "./api.ts";
import { App } from "./app.tsx";
import "./styles.css";

// A reload has no token in memory: the refresh cookie brings the session back.
void sesame.session.restore();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");
createRoot(root).render(
  <StrictMode>
    <SesameProvider session={sesame.session}>
      <App />
    </SesameProvider>
  </StrictMode>,
);
