// revision.cpp — `retort revision -m MSG`: a new migration file after the current head.
#include "../cli.hpp"
#include "../compare.hpp"
#include "../new_revision.hpp"

#include "autogenerate.hpp"

#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace retort::cli {
namespace po = boost::program_options;

namespace {

/// `revision --autogenerate`: the differences between the model and the database (or what the
/// migrations up to `parents` project) as a migration after `parents`.
int autogenerate_revision(context& ctx, new_revision spec, const std::vector<rev>& parents, bool offline, bool defaults) {
  const revision_graph& g = ctx.graph();
  if (!offline) {
    // Against a database behind its migrations, the new one would repeat what they do.
    auto at = ctx.db_heads();
    auto want = parents;
    std::sort(at.begin(), at.end());
    std::sort(want.begin(), want.end());
    if (at != want) {
      const std::string to = want.empty() ? "base" : want.size() == 1 ? g.at(want.front()).id : "heads";
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("the database is at {}, not at {}: bring it there first (`retort upgrade {}` or "
                                   "`retort downgrade {}`), or compare with what the migrations make with --offline",
                                   join(ids_of(g, at), "base"), join(ids_of(g, want), "base"), to, to));
    }
  }
  // What the new revision starts from: its parents and what it depends on, with all below them.
  std::vector<rev> upto = parents;
  for (const auto& d : spec.depends_on) upto.push_back(resolve_revision(g, d));
  const comparison c = compare_with_model(ctx, offline, defaults, upto);
  note_unseen_sql(ctx, c);
  if (c.diffs.empty()) {
    ctx.note(fmt::format("No differences between the model ({}) and {}: no migration written.", c.model, c.against));
    if (ctx.global.json) ctx.out << "{\"path\": null, \"differences\": [], \"operations\": 0, \"warnings\": []}\n";
    return 0;
  }
  // A plugin's operation (the enum types) in a file is refused by every later command unless the
  // plugin is loaded: say so now, and write nothing.
  for (const auto& d : c.diffs)
    for (const auto& op : d.ops)
      if (!op.builtin) {
        const std::string name = op.fields.substr(6, op.fields.find('"', 6) - 6);  // op = "NAME"
        if (!ctx.plugins().find_operation(name))
          throw sdk::error(sdk::error_kind::usage,
                           fmt::format("the model declares enum types, and `{}` needs the enum plugin: add \"enum\" "
                                       "to `plugins` in retort.toml ({})",
                                       name, d.line));
      }
  const generated_migration m = autogenerate(c.diffs, c.before);
  // The database by its dialect only: the file goes to version control, its URL (host, user) does not.
  std::string header = fmt::format("# Written by `retort revision --autogenerate` from the model ({}) against {}.\n"
                                   "# Review it before it runs. The differences it makes good:\n",
                                   c.model, offline ? c.against : "a " + ctx.dialect().name() + " database");
  // A comment is one line: a newline in a name or a default is written as \n.
  auto comment = [](std::string text) {
    for (std::size_t at = 0; (at = text.find_first_of("\r\n", at)) != std::string::npos;) text.replace(at, 1, "\\n");
    return text;
  };
  for (const auto& d : c.diffs) header += "#   " + comment(d.line) + "\n";
  for (const auto& w : m.warnings) header += "# WARNING: " + comment(w) + "\n";
  spec.body = header + m.body;
  const auto path = write_revision(ctx, spec);
  for (const auto& w : m.warnings) ctx.warn(w);
  if (ctx.global.json)
    ctx.out << fmt::format("{{\"path\": {}, \"differences\": {}, \"operations\": {}, \"warnings\": {}}}\n",
                           json_string(path.string()), json_list(lines_of(c.diffs)), m.upgrade_ops, json_list(m.warnings));
  else
    ctx.out << path.string() << "\n";
  return 0;
}

}  // namespace

int cmd_revision(context& ctx) {
  po::options_description own("retort revision -m MSG");
  own.add_options()
      ("message,m", po::value<std::string>()->required(), "what the migration does")
      ("sql", po::bool_switch(), "write an SQL file instead of TOML operations")
      ("rev-id", po::value<std::string>(), "the revision id (default: 12 random hex digits)")
      ("head", po::value<std::string>()->default_value("head"), "the revision this one follows ('base' for a new root)")
      ("splice", po::bool_switch(), "allow --head to name a revision that is not a head")
      ("branch-label", po::value<std::vector<std::string>>(), "a label for the branch this revision starts (repeatable)")
      ("depends-on", po::value<std::vector<std::string>>(), "a revision this one depends on (repeatable)")
      ("autogenerate", po::bool_switch(), "write the operations that bring the database to the schema model")
      ("offline", po::bool_switch(), "with --autogenerate: compare the model with what the migrations project, "
                                     "without a database")
      ("compare-defaults", po::bool_switch(), "with --autogenerate: server defaults too");
  auto vm = ctx.parse(own, {});
  const revision_graph& g = ctx.graph();
  std::vector<rev> parents;
  const std::string head = vm["head"].as<std::string>();
  if (head == "head" && g.heads().size() > 1) {
    throw sdk::error(sdk::error_kind::usage,
                     fmt::format("there are several heads ({}): pass --head REV to choose one, or `retort merge heads "
                                 "-m ...` first",
                                 join(ids_of(g, g.heads()))));
  }
  if (head != "base") parents = resolve_target(g, head, {});
  for (auto p : parents)
    if (!g.children(p).empty() && !vm["splice"].as<bool>())
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("revision {} is not a head; pass --splice to branch from it anyway", g.at(p).id));
  new_revision spec;
  spec.message = vm["message"].as<std::string>();
  spec.sql = vm["sql"].as<bool>();
  if (vm.count("rev-id")) spec.id = vm["rev-id"].as<std::string>();
  for (auto p : parents) spec.parents.push_back(g.at(p).id);
  if (vm.count("branch-label")) spec.branch_labels = vm["branch-label"].as<std::vector<std::string>>();
  if (vm.count("depends-on"))
    for (const auto& d : vm["depends-on"].as<std::vector<std::string>>()) spec.depends_on.push_back(g.at(resolve_revision(g, d)).id);
  const bool autogen = vm["autogenerate"].as<bool>();
  if (!autogen && (vm["offline"].as<bool>() || vm["compare-defaults"].as<bool>()))
    throw sdk::error(sdk::error_kind::usage, "--offline and --compare-defaults go with --autogenerate");
  if (!autogen) {
    ctx.out << write_revision(ctx, spec).string() << "\n";
    return 0;
  }
  if (spec.sql) throw sdk::error(sdk::error_kind::usage, "--autogenerate writes TOML operations; leave out --sql");
  return autogenerate_revision(ctx, std::move(spec), parents, vm["offline"].as<bool>(), vm["compare-defaults"].as<bool>());
}

}  // namespace retort::cli
