import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ImageDetailView, registrySource } from "../../src/components/ImageDetailView";
import type { RegistryView } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const registry = {
  id: "oci:registry.example.com", name: "registry.example.com", kind: "oci", address: "registry.example.com",
  auth: "anonymous", username: null, insecure: false, custom_ca: false, profile: null, region: null, account: null,
};

const image = (digest: string, arch: string) => ({
  digest, media_type: "application/vnd.oci.image.manifest.v1+json", kind: "image", platforms: [],
  layers: [
    { digest: "sha256:" + "1".repeat(64), size: 3 * 1024 * 1024, media_type: "application/vnd.oci.image.layer.v1.tar+gzip" },
    { digest: "sha256:" + "2".repeat(64), size: 1024 * 1024, media_type: "application/vnd.oci.image.layer.v1.tar+gzip" },
  ],
  history: [
    { created_by: "ADD rootfs.tar /", created: null, empty_layer: false },
    { created_by: "ENV PATH=/usr/bin", created: null, empty_layer: true },
    { created_by: "COPY app /app", created: null, empty_layer: false },
  ],
  os: "linux", architecture: arch, created: "2024-01-01T00:00:00Z", entrypoint: ["/app/run"], cmd: ["--serve"],
  env: ["PATH=/usr/bin"], labels: [["org.opencontainers.image.version", "2.0"]], working_dir: "/app", user: "app",
  exposed_ports: ["8080/tcp"], manifest_json: '{\n  "layers": []\n}', config_json: '{\n  "os": "linux"\n}',
  config_error: null as string | null, scan: null as unknown,
});

describe("Image detail", () => {
  it("lists what is attached, opens it, and an artifact points back to its image", async () => {
    const digest = "sha256:" + "a".repeat(64);
    const sbom = "sha256:" + "5".repeat(64);
    const opened: string[] = [];
    mockIPC((cmd, args) => {
      const a = args as { digest: string };
      if (cmd === "image_detail") {
        opened.push(a.digest);
        return image(a.digest, "amd64");
      }
      if (cmd === "image_referrers") {
        expect(a.digest).toBe(digest);
        return [
          {
            digest: sbom, media_type: "application/vnd.oci.image.manifest.v1+json", artifact_type: "application/spdx+json",
            size: 720, annotations: { "org.opencontainers.image.created": "2026-12-03T10:00:00Z" }, found: "referrers tag schema",
          },
          {
            digest: "sha256:" + "6".repeat(64), media_type: "application/vnd.oci.image.manifest.v1+json", artifact_type: "cosign signature",
            size: 300, annotations: {}, found: "tag sha256-aaaa.sig",
          },
        ];
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageDetailView source={registrySource(registry as unknown as RegistryView, "team/app")} digest={digest} tags={["2.0"]} />);
    const attached = await screen.findByRole("region", { name: "Attached" });
    expect(attached.textContent).toContain("Attached (2)");
    expect(attached.textContent).toContain("720 B");
    expect(screen.getByRole("button", { name: "SBOM (SPDX)" }).closest("li")!.getAttribute("title")).toContain(
      "org.opencontainers.image.created: 2026-12-03T10:00:00Z",
    );
    expect(screen.getByRole("button", { name: "cosign signature" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "SBOM (SPDX)" }));
    await screen.findByRole("button", { name: "← back to the image" });
    expect(opened.at(-1)).toBe(sbom);
    cleanup();

    // The SBOM's own row: attached to the image, which it opens.
    render(
      <ImageDetailView source={registrySource(registry as unknown as RegistryView, "team/app")} digest={sbom} tags={[]} subject={digest} />,
    );
    fireEvent.click(await screen.findByRole("button", { name: "a".repeat(16) }));
    await screen.findByRole("button", { name: "← back to the artifact" });
    expect(opened.at(-1)).toBe(digest);
  });

  it("shows the config, layers with their share, history and the raw JSON", async () => {
    const digest = "sha256:" + "a".repeat(64);
    mockIPC((cmd) => {
      if (cmd === "image_detail") return image(digest, "amd64");
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageDetailView source={registrySource(registry as unknown as RegistryView, "team/app")} digest={digest} tags={["2.0"]} />);
    expect(await screen.findByText("linux/amd64")).toBeTruthy();
    expect(screen.getByText("/app/run")).toBeTruthy();
    expect(screen.getByText("4.00 MiB in 2 layers")).toBeTruthy();
    expect(screen.getByText("org.opencontainers.image.version=2.0")).toBeTruthy();
    expect(screen.getByTitle("registry.example.com/team/app:2.0").textContent).toBe("Copy tag URI");
    expect(screen.getByTitle(`docker pull registry.example.com/team/app@${digest}`)).toBeTruthy();

    fireEvent.click(screen.getByRole("tab", { name: "Layers (2)" }));
    const bars = screen.getAllByLabelText(/^layer \d: share of the image$/) as HTMLProgressElement[];
    expect(bars.map((b) => b.value / b.max)).toEqual([0.75, 0.25]);
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["#", "Digest", "Size", "Share", "Made by"]);

    // History steps name the layer they made and its size; the others made none.
    fireEvent.click(screen.getByRole("tab", { name: "History" }));
    const steps = [...document.querySelectorAll("ol.history li")].map((li) => li.querySelector(".hint")!.textContent);
    expect(steps.filter((t) => t === " · no layer")).toHaveLength(1);
    expect(steps.filter((t) => /^ · layer \d, /.test(t ?? ""))).toHaveLength(2);

    fireEvent.click(screen.getByRole("tab", { name: "JSON" }));
    expect(screen.getByText("Manifest")).toBeTruthy();
    expect(screen.getByText(/"os": "linux"/)).toBeTruthy();
  });

  it("lists an index's platforms and opens one", async () => {
    const index = "sha256:" + "b".repeat(64);
    const arm = "sha256:" + "c".repeat(64);
    mockIPC((cmd, args) => {
      if (cmd !== "image_detail") throw new Error(`unexpected ${cmd}`);
      const { digest } = args as { digest: string };
      if (digest === index)
        return {
          ...image(index, ""), kind: "index", layers: [], history: [],
          platforms: [
            { platform: "linux/amd64", digest: "sha256:" + "d".repeat(64), manifest_size: 500, size: 3 * 1024 * 1024 },
            { platform: "linux/arm64", digest: arm, manifest_size: 500, size: null },
          ],
        };
      return image(arm, "arm64");
    });
    render(<ImageDetailView source={registrySource(registry as unknown as RegistryView, "team/app")} digest={index} tags={["multi"]} />);
    // Each platform's size where it is known.
    const entries = await screen.findAllByRole("listitem");
    expect(entries[0]!.querySelector(".platform-size")?.textContent).toBe("3.00 MiB");
    expect(entries[1]!.querySelector(".platform-size")).toBeNull();
    fireEvent.click(await screen.findByRole("button", { name: "linux/arm64" }));
    expect(await screen.findByText("linux/arm64")).toBeTruthy();
    expect(screen.getByRole("button", { name: "← back to the index" })).toBeTruthy();
  });
});

describe("ECR image detail", () => {
  it("says why the config is missing", async () => {
    const digest = "sha256:" + "e".repeat(64);
    mockIPC((cmd) => {
      if (cmd !== "image_detail") throw new Error(`unexpected ${cmd}`);
      return {
        ...image(digest, "amd64"),
        os: null, architecture: null, config_json: null,
        config_error: "cannot reach 123456789012.dkr.ecr.us-east-1.amazonaws.com",
      };
    });
    render(<ImageDetailView source={registrySource(registry as unknown as RegistryView, "team/app")} digest={digest} tags={[]} />);
    expect((await screen.findByRole("status")).textContent).toContain("cannot reach 123456789012.dkr.ecr");
    // No scan outside ECR: no Scan tab.
    expect(screen.queryByRole("tab", { name: /^Scan/ })).toBeNull();
  });
});
