import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
// In cascade order: later files refine earlier ones.
import "./styles/base.css";
import "./styles/dialogs.css";
import "./styles/browse.css";
import "./styles/files.css";
import "./styles/scan.css";
import "./styles/transfers.css";
import "./styles/lifecycle.css";
import "./styles/policy.css";
import "./styles/registry.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// For the cold-start benchmark (bench/browse.mjs): the frame after the first render.
requestAnimationFrame(() => performance.mark("app:first-paint"));
