// migrate.cpp — what upgrade and downgrade share: plan, then run it, print it (--sql) or show it
// (--dry-run).
#include "cli.hpp"
#include "terminal.hpp"

#include "redact.hpp"
#include "runner.hpp"
#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>

#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

namespace retort::cli {
namespace po = boost::program_options;

void note_partials(context& ctx, const std::string& then, const std::string& prefix) {
  for (const auto& p : ctx.store().partials(ctx.connection()))
    ctx.note(fmt::format("{}revision {} was left partial by an earlier run ({} of {} statements took effect): {}; "
                         "`retort current` says more",
                         prefix, p.revision, p.statements_done, p.statements_total, then));
}

std::string run_json(const run_result& r) {
  std::vector<std::string> steps;
  for (const auto& s : r.steps)
    steps.push_back(fmt::format("{{\"revision\": {}, \"direction\": {}, \"duration_ms\": {}}}", json_string(s.revision),
                                json_string(to_string(s.dir)), s.duration_ms));
  return fmt::format("{{\"steps\": [{}], \"heads\": {}}}", fmt::join(steps, ", "), json_list(r.heads));
}

int migrate(context& ctx, direction dir) {
  const bool up = dir == direction::up;
  po::options_description own(up ? "retort upgrade [TARGET]" : "retort downgrade TARGET");
  auto target_opt = po::value<std::string>();
  if (up) target_opt->default_value("head");
  else target_opt->required();
  own.add_options()
      ("target", target_opt, up ? "where to go: head, heads, an id or prefix, +N, REV+N, label@head; A:B with --sql"
                                : "where to go: base, an id or prefix, -N, REV-N; A:B with --sql")
      ("sql", po::bool_switch(), "print the script instead of running it (offline: no connection)")
      ("atomic", po::bool_switch(), "run the whole plan in one transaction")
      ("dry-run", po::bool_switch(), "read the database's heads and print the plan, changing nothing")
      ("allow-destructive", po::bool_switch(), "tell policy hooks that dropping tables and columns is intended")
      ("resume", po::bool_switch(), "go on with a migration an earlier run left partial, from its first statement not done")
      ("in-doubt", po::value<std::string>()->default_value("ask"),
       "with --resume, a statement a killed run may or may not have finished that the catalog cannot answer for: "
       "ask (stop and say so), rerun it, or skip it as done")
      ("backup", po::value<std::string>(), "SQLite: copy the database to this new file before anything changes")
      ("on-failure", po::value<std::string>()->default_value("stop"),
       "stop: leave what took effect and record it as partial; revert: undo it with the operations' inverses "
       "(also what an earlier run left partial)");
  po::positional_options_description pos;
  pos.add("target", 1);
  auto vm = ctx.parse(own, pos);
  std::string target = vm["target"].as<std::string>();
  const revision_graph& g = ctx.graph();
  const bool atomic = vm["atomic"].as<bool>() || ctx.cfg().mode == transaction_mode::all;

  if (vm.count("backup") && (vm["sql"].as<bool>() || vm["dry-run"].as<bool>()))
    throw sdk::error(sdk::error_kind::usage, "--backup is for a run that changes the database, not --sql or --dry-run");
  if (vm["sql"].as<bool>()) {
    // Offline: the dialect comes from the URL's scheme alone; nothing connects.
    std::vector<rev> start;
    if (auto colon = target.find(':'); colon != std::string::npos) {
      start = resolve_target(g, target.substr(0, colon), {});
      target = target.substr(colon + 1);
    } else if (!up) {
      start = g.heads();
    }
    auto plan = target_planner(g, dir, target)(start);
    if (plan.empty() && !start.empty()) {
      // A range whose end is below its start goes the other way; one that ends where it starts is empty.
      const auto to = resolve_target(g, target, start);
      const auto above_to = g.closure(to);
      if (up && std::any_of(start.begin(), start.end(), [&](rev r) { return !above_to[r]; }))
        throw sdk::error(sdk::error_kind::usage,
                         fmt::format("the range {0} goes down: {1} is below the start; write it `retort downgrade "
                                     "--sql {0}`",
                                     vm["target"].as<std::string>(), target));
    }
    render_plan(plan, g, start, ctx.dialect(), ctx.plugins(), {ctx.cfg().lock_timeout, ctx.cfg().statement_timeout});
    ctx.out << offline_script(g, ctx.dialect(), ctx.offline_store(), plan, atomic, up && start.empty());
    return 0;
  }
  if (vm["dry-run"].as<bool>()) {
    // The same reading as the run: the heads the rows imply, and the rows the first step replaces.
    const auto r = ctx.parts().render(target, dir);
    ctx.note(fmt::format("-- dry run against {}: the database is at {}; {} migration(s) to run; nothing is changed",
                         ctx.url().redacted(), join(ids_of(g, r.db.heads), "base"), r.steps.size()));
    note_partials(ctx, "the run refuses it without --resume or --on-failure=revert, and the script below shows it "
                       "whole", "-- ");
    const bool missing_tables = !ctx.store().create_sql(&ctx.connection()).empty();
    ctx.out << offline_script(g, ctx.dialect(), ctx.store(), r.steps, atomic, missing_tables, &r.db.rows);
    return 0;
  }
  run_settings how;
  how.atomic = atomic;
  how.allow_destructive = vm["allow-destructive"].as<bool>();
  const auto& in_doubt = vm["in-doubt"].as<std::string>();
  if (in_doubt != "ask" && in_doubt != "rerun" && in_doubt != "skip")
    throw sdk::error(sdk::error_kind::usage, fmt::format("--in-doubt={}: expected ask, rerun or skip", in_doubt));
  if (vm["resume"].as<bool>())
    how.resume = in_doubt == "rerun" ? resume_mode::rerun : in_doubt == "skip" ? resume_mode::skip : resume_mode::resume;
  else if (in_doubt != "ask")
    throw sdk::error(sdk::error_kind::usage, "--in-doubt goes with --resume");
  const auto& on_failure = vm["on-failure"].as<std::string>();
  if (on_failure != "stop" && on_failure != "revert")
    throw sdk::error(sdk::error_kind::usage, fmt::format("--on-failure={}: expected stop or revert", on_failure));
  how.revert_on_failure = on_failure == "revert";
  if (vm.count("backup")) how.backup = vm["backup"].as<std::string>();
  report_run(ctx, [&](const run_settings& s) { return up ? ctx.api().upgrade(target, s) : ctx.api().downgrade(target, s); },
             how, dir);
  return 0;
}

void report_run(context& ctx, const std::function<run_result(const run_settings&)>& run, run_settings how, direction dir) {
  using mode = progress_display::mode;
  progress_display shown(ctx.err, ctx.global.verbosity > 0                         ? mode::lines
                                  : ctx.global.verbosity == 0 && stderr_is_terminal() ? mode::line
                                                                                      : mode::none);
  how.progress = [&](const progress_event& e) { shown(e); };
  // Said whether the run then succeeds or not, before what it did: the copy is there either way.
  const bool was_there = how.backup && std::filesystem::exists(*how.backup);  // refused, not a backup
  auto backed_up = [&] {
    if (how.backup && !was_there && std::filesystem::exists(*how.backup))
      ctx.note("Backed up the database to " + how.backup->string() + ".");
  };
  run_result result;
  try {
    result = run(how);
  } catch (...) {
    shown.finish();
    backed_up();
    throw;
  }
  shown.finish();
  backed_up();
  for (const auto& w : result.warnings) ctx.warn(w);
  if (ctx.global.json) ctx.out << run_json(result) << "\n";
  if (result.steps_run == 0) ctx.note("Nothing to do: the database is at " + join(result.heads, "base") + ".");
  else
    ctx.note(fmt::format("{} {} migration(s); the database is at {}.", dir == direction::up ? "Upgraded" : "Downgraded",
                         result.steps_run, join(result.heads, "base")));
}

}  // namespace retort::cli
