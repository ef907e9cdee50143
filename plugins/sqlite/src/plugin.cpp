// plugin.cpp — the SQLite dialect plugin's entry point: registration only.
#include "sqlite_dialect.hpp"

#include <retort/sdk/plugin.hpp>

namespace {
void register_plugin(retort::sdk::registry& r) { r.add_dialect(std::make_unique<retort_sqlite::sqlite_dialect>()); }
}  // namespace

RETORT_PLUGIN(dialect, sqlite, "0.1.0", &register_plugin)
