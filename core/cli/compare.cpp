// compare.cpp — the model, what it is compared with, and the differences.
#include "compare.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace retort::cli {

comparison compare_with_model(context& ctx, bool offline, bool defaults, const std::vector<rev>& upto) {
  const config& cfg = ctx.cfg();
  auto only_compared = [&](sdk::schema& s) {
    for (auto it = s.tables.begin(); it != s.tables.end();)
      it = cfg.compares(it->first) ? std::next(it) : s.tables.erase(it);
  };
  sdk::schema model = read_model(cfg.model);
  for (const auto& own : {cfg.version_table, cfg.history_table})
    if (model.find(own))
      throw sdk::error(sdk::error_kind::input,
                       fmt::format("{}: the model declares table '{}', which is retort's own (version_table and "
                                   "history_table in retort.toml): name it otherwise",
                                   cfg.model.string(), own));
  only_compared(model);
  projection p = project_schema(ctx.graph(), upto, ctx.plugins());
  only_compared(p.schema);
  comparison out;
  sdk::schema have;
  if (offline) {
    have = p.schema;
    out.before = std::move(p.schema);
    out.opaque = std::move(p.opaque);
    out.against = "the migrations up to " + join(ids_of(ctx.graph(), upto), "base");
  } else {
    have = ctx.connection().introspect();
    for (const auto& own_table : {cfg.version_table, cfg.history_table}) have.tables.erase(own_table);
    only_compared(have);
    out.before = have;
    for (auto& [name, t] : out.before.tables)
      if (const sdk::table* projected = p.schema.find(name)) t = *projected;
    out.against = ctx.url().redacted();
  }
  // The model as the user would name it: relative to where retort runs, when it is below it.
  std::error_code ec;
  out.model = std::filesystem::relative(cfg.model, std::filesystem::current_path(), ec).string();
  if (ec || out.model.empty() || out.model.rfind("..", 0) == 0) out.model = cfg.model.string();
  out.diffs = diff_schemas(model, have, offline ? nullptr : &ctx.dialect(), defaults);
  return out;
}

void note_unseen_sql(context& ctx, const comparison& c) {
  if (!c.opaque.empty())
    ctx.note(fmt::format("note: the projection cannot see into the raw SQL of revision(s) {}; what it creates or "
                         "changes is not compared",
                         join(c.opaque, "")));
}

}  // namespace retort::cli
