#pragma once
// The `gatehouse intention` subcommands, one file each. Every entry point takes the arguments
// after its name and returns the exit code (Consul's codes, command/intention/*/).

#include <span>
#include <string>
#include <string_view>

#include "tools/intention/cli_io.hpp"

namespace gatehouse::tools {

using IntentionCommandMain = int (*)(std::span<const std::string> args, CliIo& io);

struct IntentionCommand {
  std::string_view name;
  std::string_view synopsis;
  IntentionCommandMain run;
};

int run_intention_check(std::span<const std::string> args, CliIo& io);
int run_intention_create(std::span<const std::string> args, CliIo& io);
int run_intention_delete(std::span<const std::string> args, CliIo& io);
int run_intention_get(std::span<const std::string> args, CliIo& io);
int run_intention_list(std::span<const std::string> args, CliIo& io);
int run_intention_match(std::span<const std::string> args, CliIo& io);
int run_intention_update(std::span<const std::string> args, CliIo& io);

}  // namespace gatehouse::tools
