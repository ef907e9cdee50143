// downgrade.cpp — `retort downgrade TARGET`: revert migrations down to TARGET.
#include "../cli.hpp"

namespace retort::cli {

int cmd_downgrade(context& ctx) { return migrate(ctx, direction::down); }

}  // namespace retort::cli
