// Injected before the page's scripts: a stand-in for the Tauri IPC bridge that answers commands
// from window.__LADING_MOCK__ (set by the test) and records every call. Events: the page's
// listeners are kept, and window.__LADING_EMIT__(event, payload) delivers one as the backend would.
(() => {
  const calls = [];
  let nextId = 1;
  const callbacks = new Map();
  const listeners = [];
  window.__LADING_CALLS__ = calls;
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener() {} };
  window.__LADING_EMIT__ = (event, payload) => {
    for (const l of listeners.filter((l) => l.event === event)) callbacks.get(l.handler)?.({ event, id: l.id, payload });
  };
  const events = {
    "plugin:event|listen": ({ event, handler }) => {
      const id = nextId++;
      listeners.push({ event, handler, id });
      return id;
    },
    "plugin:event|unlisten": ({ eventId }) => {
      const at = listeners.findIndex((l) => l.id === eventId);
      if (at >= 0) listeners.splice(at, 1);
      return null;
    },
  };
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
      if (cmd in events) return events[cmd](args);
      const handlers = window.__LADING_MOCK__ || {};
      if (!(cmd in handlers)) throw { code: "unknown_command", message: `no mock for ${cmd}` };
      return handlers[cmd](args);
    },
  };
})();
