// registry.hpp — what a plugin's register function fills in; implemented by the core.
#pragma once

#include <retort/sdk/abi.hpp>
#include <retort/sdk/dialect.hpp>
#include <retort/sdk/hook.hpp>
#include <retort/sdk/operation.hpp>
#include <retort/sdk/value.hpp>

#include <cstdint>
#include <memory>
#include <string_view>

namespace retort::sdk {

/// Registration goes into a staging registry; the host merges it only when the register function
/// returns normally, so a plugin that throws leaves nothing behind.
class RETORT_SDK_VISIBLE registry {
 public:
  virtual void add_dialect(std::unique_ptr<dialect> d) = 0;
  virtual void add_operation(std::unique_ptr<operation_type> op) = 0;
  virtual void add_renderer(std::string_view op, std::string_view dialect_name, std::unique_ptr<op_renderer> r) = 0;
  virtual void add_hook(std::unique_ptr<hook> h, std::uint32_t event_mask) = 0;
  // --- ABI 1.1 -----------------------------------------------------------------------------------
  /// This plugin's table `[plugin.NAME]` in retort.toml (an empty table when there is none), each
  /// value with its file and line: read it with `fields`, whose errors name file:line:field.
  virtual const value& settings() const = 0;

 protected:
  ~registry() = default;  // never deleted through the SDK
};

}  // namespace retort::sdk
