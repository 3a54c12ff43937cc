// Generated from src-tauri/src/ipc.rs by `./dev bindings`. Do not edit by hand.

export type IpcError = { code: string, message: string, };

export type AppInfo = { name: string, version: string, os: string, arch: string, };
