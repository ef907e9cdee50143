// plugin.cpp — the lite dialect plugin's entry point: registration only.
#include "lite_dialect.hpp"

#include <retort/sdk/plugin.hpp>

namespace {
void register_plugin(retort::sdk::registry& r) { r.add_dialect(std::make_unique<lite::lite_dialect>()); }
}  // namespace

RETORT_PLUGIN(dialect, lite, "0.1.0", &register_plugin)
