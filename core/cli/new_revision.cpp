// new_revision.cpp — writing a new migration file.
#include "new_revision.hpp"

#include "migration.hpp"
#include "text.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <fstream>
#include <random>

namespace retort::cli {
namespace fs = std::filesystem;

namespace {

std::string random_id() {
  std::random_device rd;
  std::string out;
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 12; ++i) out += hex[rd() % 16];
  return out;
}

std::string slug(const std::string& message) {
  std::string out;
  for (unsigned char c : message) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '_') out += '_';
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "migration" : out;
}

}  // namespace

fs::path write_revision(context& ctx, new_revision spec) {
  const revision_graph& g = ctx.graph();
  if (spec.id.empty()) {
    do spec.id = random_id();
    while (g.find(spec.id));
  }
  if (auto why = revision_id_problem(spec.id); !why.empty()) throw sdk::error(sdk::error_kind::usage, "--rev-id: " + why);
  if (g.find(spec.id)) throw sdk::error(sdk::error_kind::usage, fmt::format("revision {} already exists", spec.id));
  if (auto why = text_problem(spec.message); !why.empty()) throw sdk::error(sdk::error_kind::usage, "-m: " + why);
  for (const auto& l : spec.branch_labels) {
    if (auto why = revision_id_problem(l); !why.empty()) throw sdk::error(sdk::error_kind::usage, "--branch-label: " + why);
    if (g.find_label(l) || g.find(l))
      throw sdk::error(sdk::error_kind::usage, fmt::format("branch label '{}' is already taken", l));
  }
  const std::tm now = fmt::gmtime(std::time(nullptr));

  migration m;
  m.id = spec.id;
  m.parents = spec.parents;
  m.branch_labels = spec.branch_labels;
  m.depends_on = spec.depends_on;
  m.message = spec.message;
  m.format = spec.sql ? file_format::sql : file_format::toml;
  fs::path path = ctx.cfg().versions_dir() /
                  fmt::format("{:%Y%m%d_%H%M}_{}_{}{}", now, spec.id, slug(spec.message), spec.sql ? ".sql" : ".toml");
  std::ofstream(path) << render_new_migration(m, fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", now), spec.body);
  ctx.note("Generated " + path.string());
  return path;
}

}  // namespace retort::cli
