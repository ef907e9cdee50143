// plugin.cpp — the example operations plugin's entry point: registration only.
#include "view_ops.hpp"

#include <retort/sdk/plugin.hpp>

namespace {
void register_plugin(retort::sdk::registry& r) {
  r.add_operation(std::make_unique<retort_ops_example::view_op_type>(true));
  r.add_operation(std::make_unique<retort_ops_example::view_op_type>(false));
}
}  // namespace

RETORT_PLUGIN(ops, example, "0.1.0", &register_plugin)
