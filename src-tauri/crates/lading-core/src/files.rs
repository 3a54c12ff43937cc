//! The files of an image's layers, each layer streamed from the registry and sent on once read,
//! then what later layers hide (wasted bytes).

use lading_oci::layer_files::{read_layer, wasted_files};

use crate::error::{Code, Error, Result};
use crate::view::{FileView, ImageFilesEvent, WastedView};
use crate::AppState;

pub async fn image_files(
    state: &AppState,
    id: &str,
    repository: &str,
    digest: &str,
    emit: &(dyn Fn(ImageFilesEvent) + Sync),
) -> Result<()> {
    let client = state.registry(id).await?.client().await?;
    let manifest = client.get_manifest(repository, digest).await?;
    let lading_oci::Manifest::Image(image) = manifest.parse()? else {
        return Err(not_an_image());
    };
    emit(ImageFilesEvent::Started {
        layers: image.layers().len() as u32,
    });
    let mut layers = Vec::new();
    for (index, layer) in image.layers().iter().enumerate() {
        let layer_digest: lading_oci::Digest = layer.digest().to_string().parse()?;
        let entries = read_layer(
            &client,
            repository,
            &layer_digest,
            layer.size(),
            layer.media_type().as_ref(),
        )
        .await?;
        emit(ImageFilesEvent::Layer {
            index: index as u32,
            digest: layer_digest.to_string(),
            files: entries.iter().map(FileView::from).collect(),
        });
        layers.push(entries);
    }
    emit(wasted_event(&layers));
    Ok(())
}

pub(crate) fn not_an_image() -> Error {
    Error::new(
        Code::NotAnImage,
        "an index has no layers of its own: open one of its platforms",
    )
}

/// The last message of a file listing: what later layers hide, largest first.
pub(crate) fn wasted_event(layers: &[Vec<lading_oci::layer_files::FileEntry>]) -> ImageFilesEvent {
    let wasted = wasted_files(layers);
    ImageFilesEvent::Done {
        wasted_bytes: wasted.iter().map(|w| w.size).sum(),
        wasted: wasted.into_iter().map(WastedView::from).collect(),
    }
}
