//! A corpus of broken inputs no one would write on purpose but any of them arrives one day:
//! OCI layouts, OCI archives and docker archives whose manifests, configs, indexes and sizes
//! lie or are not what they claim. Each must give one clear error — at open or at push — and
//! never a panic or a tag.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::images::{sha256_hex, write_blob, write_oci_layout};

/// One broken input: its name (what is wrong) and where it is.
pub struct Case {
    pub name: &'static str,
    pub path: PathBuf,
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read json")).expect("json")
}

fn blob_path(dir: &Path, digest: &str) -> PathBuf {
    dir.join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"))
}

/// A good layout at `dir`, then `change` applied to its manifest JSON (rewritten under its new
/// digest, index.json following it).
fn layout_with_manifest(dir: &Path, change: impl FnOnce(&mut Value)) {
    write_oci_layout(dir, "1", "corpus\n");
    let mut index = read_json(&dir.join("index.json"));
    let digest = index["manifests"][0]["digest"].as_str().unwrap().to_owned();
    let mut manifest = read_json(&blob_path(dir, &digest));
    change(&mut manifest);
    let bytes = serde_json::to_vec(&manifest).unwrap();
    index["manifests"][0]["digest"] = write_blob(dir, &bytes).into();
    index["manifests"][0]["size"] = bytes.len().into();
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

fn layout_with_index(dir: &Path, change: impl FnOnce(&mut Value)) {
    write_oci_layout(dir, "1", "corpus\n");
    layout_with_index_in_place(dir, change);
}

fn manifest_of(dir: &Path) -> Value {
    let index = read_json(&dir.join("index.json"));
    read_json(&blob_path(
        dir,
        index["manifests"][0]["digest"].as_str().unwrap(),
    ))
}

/// A tar of `members`, in order.
fn tar_of(path: &Path, members: &[(&str, &[u8])]) {
    let mut out = tar::Builder::new(std::fs::File::create(path).expect("create tar"));
    for (name, data) in members {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        out.append_data(&mut header, name, *data)
            .expect("tar entry");
    }
    out.into_inner().expect("finish tar");
}

/// The layout directory `dir` as an OCI archive at `path`.
fn tar_of_dir(dir: &Path, path: &Path) {
    let mut out = tar::Builder::new(std::fs::File::create(path).expect("create tar"));
    out.append_dir_all(".", dir).expect("tar the layout");
    out.into_inner().expect("finish tar");
}

/// Writes every case under `root` and returns them.
pub fn write(root: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |name: &'static str, write: &dyn Fn(&Path)| {
        let path = root.join(name);
        write(&path);
        cases.push(Case { name, path });
    };
    add("layout-layer-size-lies", &|d| {
        layout_with_manifest(d, |m| {
            let size = m["layers"][0]["size"].as_u64().unwrap();
            m["layers"][0]["size"] = (size + 1).into();
        })
    });
    add("layout-config-size-lies", &|d| {
        layout_with_manifest(d, |m| m["config"]["size"] = 3.into())
    });
    add("layout-bad-layer-digest", &|d| {
        layout_with_manifest(d, |m| m["layers"][0]["digest"] = "sha256:zz".into())
    });
    add("layout-layer-missing", &|d| {
        write_oci_layout(d, "1", "corpus\n");
        let layer = manifest_of(d)["layers"][0]["digest"]
            .as_str()
            .unwrap()
            .to_owned();
        std::fs::remove_file(blob_path(d, &layer)).unwrap();
    });
    add("layout-config-corrupt", &|d| {
        write_oci_layout(d, "1", "corpus\n");
        let config = manifest_of(d)["config"]["digest"]
            .as_str()
            .unwrap()
            .to_owned();
        std::fs::write(blob_path(d, &config), b"{\"architecture\":\"evil\"}").unwrap();
    });
    add("layout-manifest-not-json", &|d| {
        write_oci_layout(d, "1", "corpus\n");
        let garbage = b"\x00\x01 not a manifest\n\xff";
        let digest = write_blob(d, garbage);
        layout_with_index_in_place(d, |i| {
            i["manifests"][0]["digest"] = digest.clone().into();
            i["manifests"][0]["size"] = garbage.len().into();
        });
    });
    add("layout-index-size-lies", &|d| {
        layout_with_index(d, |i| {
            let size = i["manifests"][0]["size"].as_u64().unwrap();
            i["manifests"][0]["size"] = (size + 7).into();
        })
    });
    add("layout-index-lists-nothing", &|d| {
        layout_with_index(d, |i| i["manifests"] = Value::Array(vec![]))
    });
    add("layout-index-not-json", &|d| {
        write_oci_layout(d, "1", "corpus\n");
        std::fs::write(d.join("index.json"), b"{\"manifests\": [").unwrap();
    });
    add("layout-without-oci-layout-file", &|d| {
        write_oci_layout(d, "1", "corpus\n");
        std::fs::remove_file(d.join("oci-layout")).unwrap();
    });
    add("oci-archive-layer-size-lies.tar", &|p| {
        let dir = p.with_extension("dir");
        layout_with_manifest(&dir, |m| {
            let size = m["layers"][0]["size"].as_u64().unwrap();
            m["layers"][0]["size"] = (size * 2).into();
        });
        tar_of_dir(&dir, p);
    });
    add("archive-manifest-not-json.tar", &|p| {
        tar_of(p, &[("manifest.json", b"[{\"Config\": ")])
    });
    add("archive-manifest-lists-nothing.tar", &|p| {
        tar_of(p, &[("manifest.json", b"[]")])
    });
    add("archive-layer-missing.tar", &|p| {
        let config = br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:0000000000000000000000000000000000000000000000000000000000000000"]}}"#;
        let name = format!("{}.json", sha256_hex(config));
        let manifest =
            format!(r#"[{{"Config":"{name}","RepoTags":["c:1"],"Layers":["nope/layer.tar"]}}]"#);
        tar_of(
            p,
            &[(&name, config), ("manifest.json", manifest.as_bytes())],
        )
    });
    add("archive-config-not-json.tar", &|p| {
        let config = b"\x7fELF not a config";
        let name = format!("{}.json", sha256_hex(config));
        let manifest = format!(r#"[{{"Config":"{name}","RepoTags":["c:1"],"Layers":[]}}]"#);
        tar_of(
            p,
            &[(&name, config), ("manifest.json", manifest.as_bytes())],
        )
    });
    add("archive-diff-ids-disagree.tar", &|p| {
        let layer = crate::images::layer_tar(&[crate::images::TestFile {
            path: "a.txt",
            content: b"a",
        }]);
        // The config names no layers; the manifest names one.
        let config =
            br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
        let name = format!("{}.json", sha256_hex(config));
        let manifest =
            format!(r#"[{{"Config":"{name}","RepoTags":["c:1"],"Layers":["l/layer.tar"]}}]"#);
        tar_of(
            p,
            &[
                (&name, config),
                ("l/layer.tar", &layer),
                ("manifest.json", manifest.as_bytes()),
            ],
        )
    });
    add("archive-gzip-truncated.tar.gz", &|p| {
        std::fs::write(p, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x01\x02\x03").unwrap()
    });
    add("archive-zstd-garbage.tar.zst", &|p| {
        std::fs::write(p, b"\x28\xb5\x2f\xfd garbage after the magic").unwrap()
    });
    cases
}

fn layout_with_index_in_place(dir: &Path, change: impl FnOnce(&mut Value)) {
    let mut index = read_json(&dir.join("index.json"));
    change(&mut index);
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}
