// plan.cpp — `retort plan [TARGET] [-o FILE]`: what an upgrade (or, with --downgrade, a downgrade)
// would run, read from the database and changed nothing: a summary to review, and with -o the exact
// plan as JSON for `retort apply`.
#include "../cli.hpp"
#include "plan_file.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace retort::cli {
namespace po = boost::program_options;

namespace {

/// A statement's first line, shortened to fit beside its operation's name.
std::string first_line(const std::string& sql, std::size_t width) {
  std::string line = sql.substr(0, sql.find('\n'));
  const bool more = line.size() < sql.size();
  if (line.size() > width) line = line.substr(0, width - 3) + "...";
  else if (more) line += " ...";
  return line;
}

std::string plural(std::size_t n, const char* one) { return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s"); }

/// What a reviewer reads: each step, each operation with its first statement, and the statements
/// that destroy data or commit on their own marked; -v shows every statement in full.
void summarise(std::ostream& out, const plan_file& p, bool verbose) {
  std::size_t statements = 0;
  std::vector<std::string> destroying, outside;
  for (const auto& s : p.steps)
    for (const auto& seg : s.segments) statements += seg.statements.size();
  out << fmt::format("Plan: {} {} from {} to {}: {}, {}.\n", p.dir == direction::up ? "upgrade" : "downgrade",
                     p.database, join(p.heads_from, "base"),
                     p.revert                          ? fmt::format("{} (reverting {})", p.target, join(p.to))
                     : join(p.to, "base") == p.target ? p.target
                                                       : fmt::format("{} ({})", p.target, join(p.to, "base")),
                     plural(p.steps.size(), "migration"), plural(statements, "statement"));
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& s = p.steps[i];
    std::size_t in_tx = 0, alone = 0;
    for (const auto& seg : s.segments) (seg.transaction ? in_tx : alone) += 1;
    std::string how = alone == 0 ? (in_tx ? "one transaction" : "no statements")
                                 : fmt::format("{} outside a transaction, journaled", plural(alone, "statement"));
    out << fmt::format("\n{:>3}. {} {} {}  ({})\n", i + 1, s.dir == direction::up ? "up  " : "down", s.revision,
                       s.message, how);
    std::string last_op;
    std::size_t shown_more = 0;
    auto flush_more = [&] {
      if (shown_more) out << fmt::format("       {:<18} (and {} more)\n", "", plural(shown_more, "statement"));
      shown_more = 0;
    };
    for (const auto& seg : s.segments)
      for (const auto& st : seg.statements) {
        const std::string op = st.operation.empty() ? "(guard)" : st.operation;
        const bool marked = !st.destructive.empty() || !seg.transaction;
        if (!verbose && op == last_op && !marked && !st.operation.empty()) {
          ++shown_more;
          continue;
        }
        flush_more();
        last_op = op;
        if (verbose) {
          out << fmt::format("       {:<18} {}\n", op, st.sql.substr(0, st.sql.find('\n')));
          for (std::size_t at = st.sql.find('\n'); at != std::string::npos;) {
            const auto next = st.sql.find('\n', at + 1);
            out << fmt::format("       {:<18} {}\n", "", st.sql.substr(at + 1, next - at - 1));
            at = next;
          }
        } else {
          out << fmt::format("       {:<18} {}\n", op, first_line(st.sql, 72));
        }
        if (!st.destructive.empty()) {
          out << fmt::format("       {:<18} ! destructive: {}\n", "", st.destructive);
          destroying.push_back(s.revision);
        }
        if (!seg.transaction) {
          out << fmt::format("       {:<18} ! outside a transaction: commits on its own\n", "");
          outside.push_back(s.revision);
        }
      }
    flush_more();
  }
  out << "\n";
  // Each kind counted, with the revisions that have it.
  for (auto [what, revisions] : {std::pair{"Destructive", &destroying}, std::pair{"Outside a transaction", &outside}}) {
    if (revisions->empty()) continue;
    const std::size_t n = revisions->size();
    revisions->erase(std::unique(revisions->begin(), revisions->end()), revisions->end());
    out << fmt::format("{}: {}, in {}.\n", what, plural(n, "statement"), join(*revisions, ", "));
  }
}

/// Writes `text` to `path` whole or not at all: a file beside it, then renamed over it.
void write_whole(const std::filesystem::path& path, const std::string& text) {
  const auto part = std::filesystem::path(path.string() + ".part");
  {
    std::ofstream f(part, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f)
      throw sdk::error(sdk::error_kind::usage, fmt::format("-o {}: cannot write the file", path.string()));
  }
  std::filesystem::rename(part, path);
}

}  // namespace

int cmd_plan(context& ctx) {
  po::options_description own("retort plan [TARGET] [-o FILE]");
  own.add_options()
      ("target", po::value<std::string>()->default_value("head"), "where to go, as upgrade (or downgrade) reads it")
      ("downgrade", po::bool_switch(), "plan a downgrade to TARGET instead of an upgrade")
      ("output,o", po::value<std::string>(), "write the exact plan as JSON, for `retort apply FILE`")
      ("atomic", po::bool_switch(), "the whole plan in one transaction");
  po::positional_options_description pos;
  pos.add("target", 1);
  auto vm = ctx.parse(own, pos);
  const direction dir = vm["downgrade"].as<bool>() ? direction::down : direction::up;
  const plan_file p = ctx.api().plan(vm["target"].as<std::string>(), dir, vm["atomic"].as<bool>());
  note_partials(ctx, "the plan shows it whole and `retort apply` refuses it until it is resumed or reverted");
  if (ctx.global.json) ctx.out << plan_json(p);
  else summarise(ctx.out, p, ctx.global.verbosity > 0);
  if (vm.count("output")) {
    const std::string path = vm["output"].as<std::string>();
    write_whole(path, plan_json(p));
    ctx.note(fmt::format("Wrote the plan to {}; review it, then run exactly it with `retort apply {}`.", path, path));
  } else if (!ctx.global.json && !p.steps.empty()) {
    ctx.note("Write it with -o FILE to run exactly this plan later: `retort apply FILE` refuses it once the database "
             "or the files move on.");
  }
  return 0;
}

}  // namespace retort::cli
