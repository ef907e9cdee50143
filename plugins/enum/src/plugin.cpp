// plugin.cpp — the enum operations plugin's entry point: registration only.
#include "enum_ops.hpp"

#include <retort/sdk/plugin.hpp>

namespace {

void register_plugin(retort::sdk::registry& r) {
  using namespace retort_enum;
  for (action a : {action::create, action::drop, action::add_value, action::drop_value}) {
    auto type = std::make_unique<enum_op_type>(a);
    const std::string op = type->name();
    r.add_operation(std::move(type));
    // The dialects it renders on: the planner refuses any other before anything runs.
    r.add_renderer(op, "postgresql", std::make_unique<postgres_renderer>());
    r.add_renderer(op, "sqlite", std::make_unique<column_renderer>(false));
    r.add_renderer(op, "mysql", std::make_unique<column_renderer>(true));
  }
}

}  // namespace

RETORT_PLUGIN(ops, enum, "0.1.0", &register_plugin)
