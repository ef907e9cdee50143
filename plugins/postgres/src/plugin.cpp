// plugin.cpp — the PostgreSQL dialect plugin's entry point: registration only.
#include "pg_dialect.hpp"

#include <retort/sdk/plugin.hpp>

namespace {
void register_plugin(retort::sdk::registry& r) { r.add_dialect(std::make_unique<retort_postgres::pg_dialect>()); }
}  // namespace

RETORT_PLUGIN(dialect, postgres, "0.1.0", &register_plugin)
