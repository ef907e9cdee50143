// sdk.hpp — everything a plugin author needs, in one include.
#pragma once

#include <retort/sdk/abi.hpp>
#include <retort/sdk/builtin_ops.hpp>
#include <retort/sdk/connection.hpp>
#include <retort/sdk/dialect.hpp>
#include <retort/sdk/error.hpp>
#include <retort/sdk/hook.hpp>
#include <retort/sdk/operation.hpp>
#include <retort/sdk/ops.hpp>
#include <retort/sdk/plugin.hpp>
#include <retort/sdk/registry.hpp>
#include <retort/sdk/schema.hpp>
#include <retort/sdk/statement.hpp>
#include <retort/sdk/url.hpp>
#include <retort/sdk/value.hpp>
