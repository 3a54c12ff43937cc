//! Every type that crosses the IPC boundary. The TypeScript in `ui/src/ipc/bindings.ts` is
//! generated from these (ts-rs) and a test fails when the committed file is stale.

mod images;
mod local;
mod policies;
mod registries;
mod registry_settings;
mod scanning;
mod transfers;

pub use images::*;
pub use local::*;
pub use policies::*;
pub use registries::*;
pub use registry_settings::*;
pub use scanning::*;
pub use transfers::*;

use ts_rs::TS;

use crate::error::{Code, Error};

/// The TypeScript declarations for every IPC type, in a stable order.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::default();
    let decls = [
        Code::decl(&cfg),
        Error::decl(&cfg),
        AppInfo::decl(&cfg),
        RegistryView::decl(&cfg),
        RegistryList::decl(&cfg),
        DeveloperEndpoints::decl(&cfg),
        ConnectionStatus::decl(&cfg),
        SignInHelp::decl(&cfg),
        OciAuthInput::decl(&cfg),
        AddOciRegistry::decl(&cfg),
        AddEcrRegistry::decl(&cfg),
        AwsProfile::decl(&cfg),
        RepositoryView::decl(&cfg),
        RepositoryList::decl(&cfg),
        Located::decl(&cfg),
        RepositorySettings::decl(&cfg),
        LocalView::decl(&cfg),
        LocalImageView::decl(&cfg),
        PushRequest::decl(&cfg),
        BlobProgress::decl(&cfg),
        TransferEvent::decl(&cfg),
        ExportRequest::decl(&cfg),
        DestinationView::decl(&cfg),
        CopyRequest::decl(&cfg),
        ImageRow::decl(&cfg),
        RowDetailRequest::decl(&cfg),
        RowDetail::decl(&cfg),
        PlatformSize::decl(&cfg),
        ImageListEvent::decl(&cfg),
        ReferrerView::decl(&cfg),
        FileView::decl(&cfg),
        WastedView::decl(&cfg),
        ImageFilesEvent::decl(&cfg),
        PlatformEntry::decl(&cfg),
        LayerEntry::decl(&cfg),
        HistoryEntry::decl(&cfg),
        ScanView::decl(&cfg),
        FindingView::decl(&cfg),
        NewRepositoryRequest::decl(&cfg),
        ResourceTag::decl(&cfg),
        ScanningConfigView::decl(&cfg),
        ScanningRuleView::decl(&cfg),
        ArchivedImage::decl(&cfg),
        StorageClassChange::decl(&cfg),
        StorageClassResult::decl(&cfg),
        ReplicationTarget::decl(&cfg),
        ReplicationRuleView::decl(&cfg),
        ReplicationView::decl(&cfg),
        PullThroughRuleView::decl(&cfg),
        CreationTemplateView::decl(&cfg),
        ImageDetail::decl(&cfg),
        DeleteFailure::decl(&cfg),
        DeleteResult::decl(&cfg),
        PolicyIssueView::decl(&cfg),
        LifecycleVerdict::decl(&cfg),
        LifecycleDryRun::decl(&cfg),
        ServerPreview::decl(&cfg),
        PolicyLint::decl(&cfg),
        PolicyCheck::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/crates/lading-core/src/view by `./dev bindings`. Do not edit by hand.\n",
    );
    for decl in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}
