// plugin.cpp — the MySQL / MariaDB dialect plugin's entry point: registration only.
#include "mysql_dialect.hpp"

#include <retort/sdk/plugin.hpp>

namespace {
void register_plugin(retort::sdk::registry& r) { r.add_dialect(std::make_unique<retort_mysql::mysql_dialect>()); }
}  // namespace

RETORT_PLUGIN(dialect, mysql, "0.1.0", &register_plugin)
