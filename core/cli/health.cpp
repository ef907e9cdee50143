// health.cpp — the applied migrations' files against their history.
#include "health.hpp"

#include "checksum.hpp"
#include "redact.hpp"
#include "runner.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

namespace retort::cli {

std::optional<std::string> lock_holder(context& ctx) {
  auto& conn = ctx.connection();
  try {
    conn.lock(lock_key(ctx.store()), std::chrono::milliseconds(0));
    conn.unlock(lock_key(ctx.store()));
    return std::nullopt;
  } catch (const sdk::error& e) {
    if (e.kind() != sdk::error_kind::lock) throw;
    return redact(e.what());
  }
}

std::string partial_said(context& ctx, const partial_row& p, const std::vector<rev>& heads) {
  const auto s = partial_step(ctx.graph(), ctx.dialect(), ctx.plugins(),
                              {ctx.cfg().lock_timeout, ctx.cfg().statement_timeout}, heads, p);
  const step* at = s ? &*s : nullptr;
  return redact(describe_partial(ctx.graph(), p, at, in_doubt(at, p, ctx.connection())));
}

table_rows read_table_rows(context& ctx) {
  table_rows out;
  for (auto& id : ctx.store().read_heads(ctx.connection())) {
    if (const rev* r = ctx.graph().find(id)) out.known.push_back(*r);
    else out.unknown.push_back(std::move(id));
  }
  return out;
}

std::vector<file_problem> applied_file_problems(context& ctx, const table_rows& rows, std::size_t* checked) {
  const auto& g = ctx.graph();
  auto& conn = ctx.connection();
  std::vector<file_problem> out;
  const auto applied = g.closure(rows.known);
  const auto latest = ctx.store().latest_history(conn);
  std::size_t n = 0;
  for (rev r = 0; r < g.size(); ++r) {
    if (!applied[r]) continue;
    const migration& m = g.at(r);
    auto it = latest.find(m.id);
    if (it == latest.end() || it->second[1] != "applied" || it->second[2].empty()) continue;  // no record to compare
    ++n;
    if (std::string now = file_checksum(m.path); now != it->second[2])
      out.push_back({file_problem::kind::edited, m.id,
                     fmt::format("revision {} was edited after it was applied: {} has SHA-256 {}…, the history "
                                 "recorded {}…",
                                 m.id, m.path.string(), now.substr(0, 12), it->second[2].substr(0, 12))});
  }
  // Gone and still applied: in the version table yet. Once `stamp --purge` took its row out, the
  // database no longer holds it applied, whatever the history last said.
  for (const auto& id : rows.unknown)
    if (auto it = latest.find(id); it != latest.end() && it->second[0] == "up" && it->second[1] == "applied")
      out.push_back({file_problem::kind::missing, id,
                     fmt::format("revision {} is applied (history) but its file is gone from versions/", id)});
  if (checked) *checked = n;
  return out;
}

}  // namespace retort::cli
