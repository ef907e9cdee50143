// schema_support.hpp — pieces of the neutral schema model for the unit tests.
#pragma once

#include <retort/sdk/schema.hpp>

#include <string>

namespace retort_test {

/// A column of the neutral model: a name, a type, and whether it may be null.
inline retort::sdk::column column_def(std::string name, std::string type, bool nullable = true) {
  retort::sdk::column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.nullable = nullable;
  return c;
}

}  // namespace retort_test
