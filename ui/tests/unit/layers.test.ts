import { describe, expect, it } from "vitest";
import { historyWithLayers, layerCommands, readableCommand } from "../../src/layers";

const layer = (size: number) => ({ digest: `sha256:${String(size).padStart(64, "0")}`, size, media_type: "application/vnd.oci.image.layer.v1.tar+gzip" });
const step = (created_by: string, empty_layer = false) => ({ created_by, created: null, empty_layer });

describe("History and layers", () => {
  it("gives each step that made a layer the next layer, and marks those that made none", () => {
    const layers = [layer(100), layer(200), layer(300)];
    const history = [step("ADD rootfs.tar /"), step("ENV PATH=/bin", true), step("RUN apt-get install -y curl"), step("CMD [\"sh\"]", true), step("COPY app /app")];
    expect(historyWithLayers(history, layers).map((s) => [s.layer, s.size])).toEqual([
      [0, 100], [null, null], [1, 200], [null, null], [2, 300],
    ]);
    expect(layerCommands(history, layers)).toEqual(["ADD rootfs.tar /", "RUN apt-get install -y curl", "COPY app /app"]);
  });

  it("keeps layers the history does not name, and ignores steps beyond the layers", () => {
    expect(historyWithLayers([step("ADD a /")], [layer(1), layer(2)]).map((s) => [s.command, s.layer])).toEqual([["ADD a /", 0], ["", 1]]);
    expect(historyWithLayers([step("ADD a /"), step("RUN b")], [layer(1)]).map((s) => s.layer)).toEqual([0, null]);
    expect(layerCommands([], [layer(1)])).toEqual([""]);
  });

  it("reads commands as they were written", () => {
    expect(readableCommand('/bin/sh -c #(nop)  CMD ["nginx"]')).toBe('CMD ["nginx"]');
    expect(readableCommand("|2 VERSION=1.2 TARGET=amd64 /bin/sh -c make")).toBe("/bin/sh -c make");
    expect(readableCommand("RUN /bin/sh -c apt-get update # buildkit")).toBe("RUN /bin/sh -c apt-get update # buildkit");
  });
});
