// The `gatehouse` command: dispatches to a subcommand, the way the `consul` CLI does.
#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/decisions/decisions_main.hpp"
#include "tools/demo/demo_main.hpp"
#include "tools/dev_agent/dev_agent_main.hpp"
#include "tools/echo_app/echo_main.hpp"
#include "tools/intention/intention_main.hpp"
#include "tools/option_error.hpp"
#include "tools/probe/probe_main.hpp"
#include "tools/proxy/proxy_main.hpp"
#include "tools/subcommand.hpp"
#include "tools/utf8.hpp"

namespace {

using gatehouse::tools::Subcommand;

constexpr std::array kCommands{
    Subcommand{"decisions", "Prints a sidecar's recent connection decisions (-follow: live)",
               gatehouse::tools::run_decisions},
    Subcommand{"demo", "Runs the intention walkthrough (dev agent, services, sidecars)",
               gatehouse::tools::run_demo},
    Subcommand{"dev-agent", "Runs a Consul-compatible development agent (Connect subset)",
               gatehouse::tools::run_dev_agent},
    Subcommand{"echo", "Runs a TCP echo (or -http) app for tests and demos",
               gatehouse::tools::run_echo},
    Subcommand{"intention", "Manages Connect intentions (create, check, list, ...)",
               gatehouse::tools::run_intention},
    Subcommand{"probe", "Tests intentions with real mTLS connections and prints a matrix",
               gatehouse::tools::run_probe_command},
    Subcommand{"proxy", "Runs a Connect sidecar proxy (mTLS, intentions, decision logs)",
               gatehouse::tools::run_proxy},
    Subcommand{"version", "Prints the Gatehouse version", gatehouse::tools::run_version},
};

bool is_help_flag(std::string_view arg) { return arg == "-h" || arg == "-help" || arg == "--help"; }

// Every subcommand takes names, addresses and flag values as text: one that is not UTF-8 is refused
// here, once, before it can reach a JSON encoder or a log line. Numbered from 1 after `gatehouse`.
std::optional<std::string> non_utf8_argument(std::span<char* const> args) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (!gatehouse::tools::is_valid_utf8(arg)) {
      return "argument " + std::to_string(i) + " (\"" +
             gatehouse::tools::replace_invalid_utf8(arg) + "\") is not valid UTF-8";
    }
  }
  return std::nullopt;
}

// Runs the subcommand; whatever it throws ends as one error line and exit code 1, never an abort.
int run_guarded(const Subcommand& command, std::span<char* const> args) {
  try {
    return command.run(args);
  } catch (const boost::program_options::error& e) {
    // Not what(): it can loop forever on an argument that looks like its placeholders.
    std::fprintf(stderr, "Error: %s\n", gatehouse::tools::option_error_text(e).c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Error: %s\n", e.what());
  } catch (...) {
    std::fputs("Error: unexpected failure\n", stderr);
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // A peer that resets must cost one connection, never the process: the data path's TLS writes
  // go through OpenSSL's write(2), which raises SIGPIPE where Asio's own sends do not.
  std::signal(SIGPIPE, SIG_IGN);
  const std::span<char* const> args{argv, static_cast<std::size_t>(argc)};
  if (auto bad = non_utf8_argument(args)) {
    std::fprintf(stderr, "Error: %s\n", bad->c_str());
    return 1;
  }
  if (args.size() < 2) {
    gatehouse::tools::print_usage(kCommands, stderr);
    return 1;
  }
  // As `consul -h`: the help asked for goes to stdout, exit 0.
  if (is_help_flag(args[1]) || (args[1] == std::string_view{"help"} && args.size() == 2)) {
    gatehouse::tools::print_usage(kCommands, stdout);
    return 0;
  }
  const std::string_view name = args[1];
  if (name == "-v" || name == "-version" || name == "--version") {
    return gatehouse::tools::run_version({});
  }
  // `gatehouse help CMD [SUBCOMMAND]` is `gatehouse CMD [SUBCOMMAND] -h`.
  const bool help = name == "help";
  const auto command = help ? args.subspan(2) : args.subspan(1);
  const auto* found = std::ranges::find(kCommands, std::string_view{command[0]}, &Subcommand::name);
  if (found == kCommands.end()) {
    std::fprintf(stderr, "gatehouse: unknown command \"%s\"\n\n", command[0]);
    gatehouse::tools::print_usage(kCommands, stderr);
    return 1;
  }
  if (help) {
    std::string help_flag = "-h";
    std::vector<char*> help_args(command.begin() + 1, command.end());
    help_args.push_back(help_flag.data());
    return run_guarded(*found, help_args);
  }
  return run_guarded(*found, command.subspan(1));
}
