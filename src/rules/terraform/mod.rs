pub mod custom_data_force_new;
pub mod duplicate_declaration;
pub mod hardcoded_secret;
pub mod missing_required_provider;
pub mod module_arguments;
pub mod module_cycle;
pub mod module_source_missing;
pub mod open_ingress;
pub mod templatefile_vars;
pub mod undefined_reference;
pub mod unused_data_source;
pub mod unused_declaration;

use crate::graph::{Entity, EntityKind};
use crate::model::terraform::Address;
use crate::rules::Context;
use crate::source::FileId;

/// Terraform blocks whose address passes `wanted` and that nothing else in their module
/// reads, as (entity, address, file, module).
/// Modules with an unparsed file are skipped (that file may hold the read), and so are
/// override files: an override merges into its base declaration, which is judged instead.
pub(crate) fn unreferenced_blocks<'a>(
    cx: &'a Context<'_>,
    wanted: fn(&Address) -> bool,
) -> impl Iterator<Item = (&'a Entity, &'a Address, FileId, usize)> + 'a {
    let graph = cx.graph();
    graph.entities(EntityKind::TfBlock).filter_map(move |id| {
        let e = graph.entity(id);
        let (Some(addr), Some(file), Some(m)) = (&e.addr, e.file, e.module) else {
            return None;
        };
        let unused = wanted(addr)
            && !crate::model::terraform::is_override(&cx.project.files[file].rel)
            && cx.project.module_parsed(m)
            && graph.referrers(id).iter().all(|(from, _)| *from == id);
        unused.then_some((e, addr, file, m))
    })
}
