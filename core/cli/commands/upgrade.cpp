// upgrade.cpp — `retort upgrade [TARGET]`: apply migrations up to TARGET (default head).
#include "../cli.hpp"

namespace retort::cli {

int cmd_upgrade(context& ctx) { return migrate(ctx, direction::up); }

}  // namespace retort::cli
