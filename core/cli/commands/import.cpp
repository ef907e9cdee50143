// import.cpp — `retort import alembic DIR`: an Alembic project's revision files, read as text and
// never executed, written into this project's versions/ as retort migrations with the same ids and
// graph. Exit 3 when something could not be translated (each a placeholder that refuses to run).
#include "../cli.hpp"
#include "alembic_import.hpp"
#include "migration.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace retort::cli {
namespace po = boost::program_options;
namespace fs = std::filesystem;

int cmd_import(context& ctx) {
  po::options_description own("retort import alembic DIR");
  own.add_options()
      ("from", po::value<std::string>()->required(), "where the revisions come from: alembic")
      ("dir", po::value<std::string>()->required(), "the Alembic project's versions/ directory");
  po::positional_options_description pos;
  pos.add("from", 1).add("dir", 1);
  const auto vm = ctx.parse(own, pos);
  if (vm["from"].as<std::string>() != "alembic")
    throw sdk::error(sdk::error_kind::usage,
                     fmt::format("import {}: retort imports from alembic", vm["from"].as<std::string>()));
  const fs::path dir = vm["dir"].as<std::string>();
  const auto revisions = import_alembic(dir);
  const fs::path versions = ctx.cfg().versions_dir();

  // Nothing is written when anything would be overwritten, or an id is the project's already.
  std::vector<std::string> clashes;
  for (const auto& r : revisions) {
    if (fs::exists(versions / r.file_name)) clashes.push_back((versions / r.file_name).string() + " exists");
    else if (ctx.graph().find(r.revision)) clashes.push_back("revision " + r.revision + " is in the project already");
  }
  if (!clashes.empty())
    throw sdk::error(sdk::error_kind::usage, fmt::format("nothing imported: {}", join(clashes, "; ")));
  // The project's revisions and the imported ones must make one graph (no id twice, no parent
  // missing) before anything is written.
  {
    std::vector<migration> all = read_migrations(versions);
    for (const auto& r : revisions) all.push_back(parse_migration_header(r.text, versions / r.file_name));
    try {
      revision_graph check(std::move(all));
    } catch (const sdk::error& e) {
      throw sdk::error(sdk::error_kind::input, fmt::format("nothing imported: {}", e.what()));
    }
  }
  for (const auto& r : revisions) {
    std::ofstream out(versions / r.file_name, std::ios::binary);
    out << r.text;
    if (!out) throw sdk::error(sdk::error_kind::input, (versions / r.file_name).string() + ": cannot be written");
  }

  std::size_t ops = 0, untranslated = 0;
  for (const auto& r : revisions) ops += r.operations, untranslated += r.untranslated.size();
  ctx.out << fmt::format("Imported {} revision(s) from {} into {}: {} operation(s) translated, {} not.\n",
                         revisions.size(), dir.string(), versions.string(), ops, untranslated);
  for (const auto& r : revisions)
    ctx.out << fmt::format("  {:<14} {:<3} {}\n", r.revision, r.untranslated.empty() ? "ok" : "!", r.file_name);
  if (untranslated) {
    ctx.out << "\nNot translated: each is a placeholder (op = \"untranslated\") that refuses to run; write it as retort "
               "operations or SQL:\n";
    for (const auto& r : revisions)
      for (const auto& u : r.untranslated) ctx.out << "  " << u << "\n";
  }
  if (ctx.cfg().version_table != "alembic_version")
    ctx.note("To go on with a database Alembic manages, set version_table = \"alembic_version\" in retort.toml: "
             "retort reads and writes Alembic's version table as it is.");
  return untranslated ? 3 : 0;
}

}  // namespace retort::cli
