// Injected before the page's scripts: a stand-in for the Tauri IPC bridge that answers commands
// from window.__LADING_MOCK__ (set by the test) and records every call.
(() => {
  const calls = [];
  let nextId = 1;
  const callbacks = new Map();
  window.__LADING_CALLS__ = calls;
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback(callback, once) {
      const id = nextId++;
      callbacks.set(id, (payload) => {
        if (once) callbacks.delete(id);
        return callback && callback(payload);
      });
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    async invoke(cmd, args) {
      calls.push({ cmd, args });
      const handlers = window.__LADING_MOCK__ || {};
      if (!(cmd in handlers)) throw { code: "unknown_command", message: `no mock for ${cmd}` };
      return handlers[cmd](args);
    },
  };
})();
