import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ImageDetailView, registrySource } from "../../src/components/ImageDetailView";
import type { FindingView, RegistryView, ScanView } from "../../src/ipc";
import { countsInWords, filterFindings, sortFindings } from "../../src/scan";
import { scanCell } from "../../src/components/ImageRowCells";

afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

const ecr = {
  id: "ecr:default:us-east-1", name: "default · us-east-1", kind: "ecr", address: null, auth: "aws",
  username: null, insecure: false, custom_ca: false, profile: "default", region: "us-east-1", account: "123456789012",
} as unknown as RegistryView;

const finding = (id: string, severity: string, extra: Partial<FindingView> = {}): FindingView => ({
  id, title: null, description: null, severity, score: null, package: null, installed_version: null,
  fixed_in: null, status: null, url: null, ...extra,
});

const scan = (extra: Partial<ScanView> = {}): ScanView => ({
  status: "COMPLETE", status_description: null, completed_at: null, enhanced: false, counts: {}, findings: [], error: null, ...extra,
});

const detail = (digest: string, s: ScanView | null) => ({
  digest, media_type: "application/vnd.oci.image.manifest.v1+json", kind: "image", platforms: [], layers: [], history: [],
  os: "linux", architecture: "amd64", created: null, entrypoint: [], cmd: [], env: [], labels: [], working_dir: null,
  user: null, exposed_ports: [], manifest_json: "{}", config_json: "{}", config_error: null, scan: s,
});

const enhanced = scan({
  status: "ACTIVE",
  enhanced: true,
  counts: { CRITICAL: 1, MEDIUM: 1, HIGH: 1 },
  findings: [
    finding("CVE-2026-0002", "MEDIUM", { package: "curl", installed_version: "7.88.1", fixed_in: "NotAvailable", status: "ACTIVE" }),
    finding("CVE-2026-0010", "HIGH", { package: "zlib", score: 7.1, fixed_in: "1.3.1", status: "ACTIVE" }),
    finding("CVE-2026-0001", "CRITICAL", {
      title: "CVE-2026-0001 - openssl", package: "openssl", installed_version: "3.0.15-1~deb12u1", score: 9.8,
      fixed_in: "3.0.16-1~deb12u1", status: "ACTIVE", url: "https://security-tracker.debian.org/tracker/CVE-2026-0001",
    }),
  ],
});

const columnOf = (table: HTMLElement, index: number) =>
  within(table).getAllByRole("row").slice(1).map((r) => r.querySelectorAll("td")[index]!.textContent);

describe("Scan findings", () => {
  it("shows enhanced findings in full, most severe first, sortable and filterable, from the overview's link", async () => {
    const digest = "sha256:" + "a".repeat(64);
    const opened: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "image_detail") return detail(digest, enhanced);
      if (cmd === "open_link") return void opened.push((args as { url: string }).url);
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageDetailView source={registrySource(ecr, "team/app")} digest={digest} tags={["1.0"]} />);
    expect((await screen.findByTestId("scan")).textContent).toBe("active: 1 critical, 1 high, 1 medium Show the findings");
    fireEvent.click(screen.getByRole("button", { name: "Show the findings" }));
    expect(screen.getByRole("tab", { name: "Scan (3)" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByTestId("scan-summary").textContent).toBe("Enhanced scan (Amazon Inspector) · active · 1 critical, 1 high, 1 medium");
    expect(screen.queryByRole("button", { name: "Scan now" })).toBeNull();
    const table = screen.getByRole("table", { name: "Findings" });
    expect(columnOf(table, 0)).toEqual(["critical", "high", "medium"]);
    const first = within(table).getAllByRole("row")[1]!;
    // Inspector's "CVE - package" title repeats the row; the id says it.
    expect(first.querySelector("td.finding-id")!.textContent).toBe("CVE-2026-0001Advisory ↗");
    expect(first.textContent).toContain("openssl3.0.15-1~deb12u1");
    expect(first.textContent).toContain("3.0.16-1~deb12u1");
    expect(within(table).getAllByRole("row")[3]!.textContent).toContain("no fix yet");

    // The advisory opens in the browser, through the backend.
    fireEvent.click(within(first).getByRole("button", { name: "Advisory ↗" }));
    await waitFor(() => expect(opened).toEqual(["https://security-tracker.debian.org/tracker/CVE-2026-0001"]));

    fireEvent.click(within(table).getByRole("button", { name: "CVSS" }));
    expect(columnOf(table, 2)).toEqual(["9.8", "7.1", "—"]);
    fireEvent.click(within(table).getByRole("button", { name: /^Package/ }));
    expect(columnOf(table, 3)).toEqual(["curl7.88.1", "openssl3.0.15-1~deb12u1", "zlib"]);

    fireEvent.change(screen.getByRole("searchbox", { name: "Filter findings" }), { target: { value: "zlib" } });
    expect(screen.getByTestId("findings-count").textContent).toBe("1 of 3 findings");
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter findings" }), { target: { value: "nothing-like-it" } });
    expect(screen.getByText("No finding matches.")).toBeTruthy();
  });

  it("Scan now starts a basic scan and follows it until ECR says it is complete", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const digest = "sha256:" + "b".repeat(64);
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "image_detail") return detail(digest, scan({ status: null }));
      if (cmd === "start_scan") {
        expect(args).toEqual({ id: ecr.id, repository: "team/app", digest });
        return scan({ status: "IN_PROGRESS" });
      }
      if (cmd === "image_scan")
        return scan({ counts: { HIGH: 1 }, findings: [finding("CVE-9999-9999", "HIGH", { package: "moto_fake", score: 7.5 })] });
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageDetailView source={registrySource(ecr, "team/app")} digest={digest} tags={["1.0"]} />);
    expect((await screen.findByTestId("scan")).textContent).toBe("Not scanned yet Open the scan");
    fireEvent.click(screen.getByRole("button", { name: "Open the scan" }));
    expect(screen.getByTestId("scan-summary").textContent).toBe("Not scanned yet.");
    fireEvent.click(screen.getByRole("button", { name: "Scan now" }));
    const scanning = (await screen.findByRole("button", { name: "Scanning…" })) as HTMLButtonElement;
    expect(scanning.disabled).toBe(true);
    expect(calls.filter((c) => c === "image_scan")).toHaveLength(0);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3100);
    });
    expect((await screen.findByTestId("scan-summary")).textContent).toBe("Basic scan · complete · 1 high");
    expect(screen.getByRole("table", { name: "Findings" }).textContent).toContain("moto_fake");
    expect(calls.filter((c) => c === "image_scan")).toHaveLength(1);
    // Done: no more reading.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(7000);
    });
    expect(calls.filter((c) => c === "image_scan")).toHaveLength(1);
  });

  it("sorts, filters and counts in words", () => {
    const list = [finding("CVE-2", "LOW"), finding("CVE-10", "CRITICAL", { score: 9 }), finding("CVE-1", "CRITICAL", { score: 9.8 })];
    expect(sortFindings(list, "severity", false).map((f) => f.id)).toEqual(["CVE-1", "CVE-10", "CVE-2"]);
    expect(sortFindings(list, "id", false).map((f) => f.id)).toEqual(["CVE-1", "CVE-2", "CVE-10"]);
    expect(filterFindings(list, " cve-1")).toHaveLength(2);
    expect(countsInWords({ LOW: 2, CRITICAL: 1, ODD: 1, HIGH: 0 })).toBe("1 critical, 2 low, 1 odd");
  });

  it("puts the worst counts in the row's Scan column", () => {
    const row = (scan_status: string | null, scan_counts: Record<string, number>) =>
      ({ scan_status, scan_counts }) as unknown as Parameters<typeof scanCell>[0];
    expect(scanCell(row("COMPLETE", { HIGH: 3, CRITICAL: 1 }))).toEqual({ text: "1 critical, 3 high", worst: "CRITICAL" });
    expect(scanCell(row("COMPLETE", {}))).toEqual({ text: "nothing found", worst: null });
    expect(scanCell(row("IN_PROGRESS", {}))).toEqual({ text: "in progress", worst: null });
    expect(scanCell(row(null, {}))).toEqual({ text: "—", worst: null });
  });
});
