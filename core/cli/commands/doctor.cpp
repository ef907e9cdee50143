// doctor.cpp — `retort doctor`: what state the database is in, and for each thing wrong the safe
// next command. Reads only (the run lock is tried and let go at once); exit 3 with findings.
#include "../cli.hpp"
#include "../compare.hpp"
#include "../health.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace retort::cli {
namespace po = boost::program_options;

namespace {

struct finding {
  std::string kind, said, next;
};

/// `retort upgrade head` or, with several heads, `retort upgrade heads`.
std::string upgrade_all(const revision_graph& g) { return g.heads().size() > 1 ? "retort upgrade heads" : "retort upgrade head"; }

}  // namespace

int cmd_doctor(context& ctx) {
  po::options_description own("retort doctor");
  auto vm = ctx.parse(own, {});
  const auto& g = ctx.graph();
  auto& conn = ctx.connection();
  std::vector<finding> found;

  // Another run at work, or a session left holding the lock: who holds it, not how long doctor
  // waited, which is not at all.
  if (auto held = lock_holder(ctx)) {
    std::string said = *held;
    if (const auto waited = said.find("; waited "); waited != std::string::npos) said.erase(waited);
    const std::string d = ctx.dialect().name();
    found.push_back({"lock", said,
                     "wait for that run to end, then run `retort doctor` again" +
                         std::string(d == "postgresql" ? "; a session that holds it with no run behind it is ended with "
                                                         "SELECT pg_terminate_backend(PID)"
                                     : d == "mysql"    ? "; a connection that holds it with no run behind it is ended "
                                                         "with KILL ID"
                                                       : " (a run that died lets go of it with its process)")});
  }

  // The version rows: each a revision the files know, and none below another.
  const table_rows table = read_table_rows(ctx);
  const std::vector<rev>& rows = table.known;
  for (const auto& id : table.unknown)
    found.push_back({"unknown_version", fmt::format("the version table holds '{}', which no file in versions/ defines", id),
                     "run retort from a checkout that has that revision's file; if it was deleted on purpose, "
                     "record what the files know with `retort stamp REV --purge`"});
  const auto heads = g.heads_of(rows);
  for (rev r : rows)
    if (std::find(heads.begin(), heads.end(), r) == heads.end())
      found.push_back({"redundant_version",
                       fmt::format("the version table holds {} beside a revision above it, which says as much", g.at(r).id),
                       fmt::format("`retort stamp {} --purge` keeps only the heads", join(ids_of(g, heads), "base"))});

  // Migrations left part-way, with whether the statement in doubt took effect.
  const auto partials = ctx.store().partials(conn);
  for (const auto& p : partials) {
    const std::string verb = p.direction == "down" ? "downgrade" : "upgrade";
    found.push_back({"partial", partial_said(ctx, p, heads),
                     fmt::format("fix the cause, then `retort {} --resume`{}", verb,
                                 p.direction == "down" ? "" : "; or undo what ran with `retort revert-partial`")});
  }

  // Applied files edited or gone.
  for (const auto& p : applied_file_problems(ctx, table)) {
    if (p.what == file_problem::kind::edited)
      found.push_back({"edited", p.message,
                       "put the file back as it was applied (`git checkout` it) and make the change in a new revision"});
    else
      found.push_back({"missing_file", p.message, "put the file back in versions/ from version control"});
  }

  if (g.heads().size() > 1)
    found.push_back({"several_heads", fmt::format("the migrations have several heads: {}", join(ids_of(g, g.heads()))),
                     "`retort merge heads -m \"merge\"` joins them"});

  // What is not applied yet, once the rows say where the database is.
  std::vector<std::string> pending;
  const auto applied = g.closure(rows);
  for (rev r = 0; r < g.size(); ++r)
    if (!applied[r]) pending.push_back(g.at(r).id);
  const bool rows_known = std::none_of(found.begin(), found.end(), [](const finding& f) { return f.kind == "unknown_version"; });
  if (!pending.empty() && partials.empty() && rows_known)
    found.push_back({"pending", fmt::format("{} migration(s) not applied: {}", pending.size(), join(pending)),
                     fmt::format("`retort plan {0} -o plan.json` to review them, then `retort apply plan.json` (or `{1}`)",
                                 g.heads().size() > 1 ? "heads" : "head", upgrade_all(g))});

  // The model against the database, when the database is at its heads.
  std::error_code ec;
  if (pending.empty() && partials.empty() && rows_known && std::filesystem::exists(ctx.cfg().model, ec) &&
      !read_model(ctx.cfg().model).tables.empty()) {
    const comparison c = compare_with_model(ctx, false, false, g.heads());
    if (!c.diffs.empty())
      found.push_back({"drift",
                       fmt::format("the database differs from the model ({}) in {} way(s), first: {}", c.model,
                                   c.diffs.size(), c.diffs.front().line),
                       "`retort check` lists them; `retort revision --autogenerate -m MSG` writes the migration that "
                       "makes the database match the model, or change the model"});
  }

  if (ctx.global.json) {
    ctx.out << "{\"url\": " << json_string(ctx.url().redacted()) << ", \"healthy\": " << (found.empty() ? "true" : "false")
            << ", \"findings\": [";
    for (std::size_t i = 0; i < found.size(); ++i)
      ctx.out << (i ? ", " : "") << "{\"kind\": " << json_string(found[i].kind) << ", \"said\": " << json_string(found[i].said)
              << ", \"next\": " << json_string(found[i].next) << "}";
    ctx.out << "]}\n";
    return found.empty() ? 0 : 3;
  }
  for (const auto& f : found) ctx.out << f.kind << ": " << printable(f.said) << "\n  next: " << printable(f.next) << "\n";
  if (found.empty())
    ctx.out << fmt::format("Healthy: {} is at {}, nothing is partial, the lock is free, and the applied files are as "
                           "they ran.\n",
                           ctx.url().redacted(), join(ids_of(g, heads), "base"));
  return found.empty() ? 0 : 3;
}

}  // namespace retort::cli
