// Every command's help, read from the real binary, has the shape `consul` gives its own
// (hashicorp/consul command/flags/usage.go): a usage line, a paragraph, then "HTTP API Options"
// and "Command Options" with one `  -flag` or `  -flag=<value>` line per flag and its text five
// spaces in. The commands are the ones `gatehouse -h` and `gatehouse intention -h` list, so a new
// command is checked without touching this file.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/support/child_process.hpp"

namespace gatehouse::testing {
namespace {

using Lines = std::vector<std::string>;

Lines lines_of(const std::string& text) {
  Lines out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::size_t indent_of(const std::string& line) {
  const auto first = line.find_first_not_of(' ');
  return first == std::string::npos ? line.size() : first;
}

// Code points, as a terminal counts columns.
std::size_t width_of(const std::string& line) {
  std::size_t width = 0;
  for (const char c : line) width += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  return width;
}

// What is wrong with `help` as the help of `gatehouse <command>`; empty when nothing is.
Lines consul_style_problems(const std::string& command, const std::string& help) {
  static const std::regex flag_line{"  -[a-z0-9-]+(=<[a-z]+>)?"};
  static const std::regex double_dash_flag{"(^|[ \\[(])--[a-z]"};
  // consul's groups, in its order; a command with subcommands lists them last.
  static const Lines titles{"HTTP API Options", "Command Options", "Subcommands:"};
  Lines problems;
  const auto problem = [&](const std::string& what, const std::string& line) {
    problems.push_back(what + ": \"" + line + "\"");
  };
  const auto lines = lines_of(help);
  std::size_t i = 0;
  while (i < lines.size() && lines[i].starts_with("Usage: gatehouse " + command)) ++i;
  if (i == 0) problem("no usage line", lines.empty() ? "" : lines[0]);
  if (i + 1 >= lines.size() || !lines[i].empty() || indent_of(lines[i + 1]) != 2) {
    problems.emplace_back("no paragraph after the usage line");
  }
  if (help.find("[ --help ]") != std::string::npos) problems.emplace_back("Boost's [ --help ]");
  enum class Part { header, title, flag, text, subcommands } part = Part::header;
  std::size_t next_title = 0;
  for (; i < lines.size(); ++i) {
    const auto& line = lines[i];
    const auto indent = indent_of(line);
    if (std::regex_search(line, double_dash_flag)) problem("a --flag", line);
    if (line.empty()) continue;
    if (indent == 0) {
      const auto title =
          std::find(titles.begin() + static_cast<long>(next_title), titles.end(), line);
      if (title == titles.end() || part == Part::title) {
        problem("not a group title in order", line);
      }
      if (part == Part::flag) problem("a flag without text", lines[i - 1]);
      next_title = title == titles.end() ? titles.size()
                                         : static_cast<std::size_t>(title - titles.begin()) + 1;
      part = line == titles.back() ? Part::subcommands : Part::title;
      continue;
    }
    switch (part) {
      case Part::header:
        // The paragraph stays within 80 columns; deeper lines are examples, kept as written.
        if (indent <= 2 && width_of(line) > 80) problem("over 80 columns", line);
        break;
      case Part::subcommands:
        if (indent != 4 || width_of(line) > 80) problem("not a subcommand line", line);
        break;
      case Part::title:
      case Part::flag:
      case Part::text:
        if (indent == 2) {
          if (!std::regex_match(line, flag_line)) problem("not a flag line", line);
          if (part == Part::flag) problem("a flag without text", lines[i - 1]);
          part = Part::flag;
        } else if (indent >= 5 && part != Part::title) {
          // consul's wrapAtLength: 72 columns; deeper lines are examples, kept as written.
          if (indent == 5 && width_of(line) > 72) problem("over 72 columns", line);
          part = Part::text;
        } else {
          problem("neither a flag nor its text", line);
        }
        break;
    }
  }
  if (part == Part::flag) problems.emplace_back("the last flag has no text");
  if (help.empty() || !help.ends_with("\n") || help.ends_with("\n\n")) {
    problems.emplace_back("not one newline at the end");
  }
  return problems;
}

// The names of a `    name    synopsis` list after the line `heading`.
Lines listed_commands(const std::string& help, const std::string& heading) {
  Lines names;
  const auto lines = lines_of(help);
  auto it = std::find(lines.begin(), lines.end(), heading);
  if (it == lines.end()) return names;
  std::size_t synopsis_column = 0;
  for (++it; it != lines.end() && it->starts_with("    "); ++it) {
    const auto end = it->find(' ', 4);
    names.push_back(it->substr(4, end - 4));
    const auto column = it->find_first_not_of(' ', end);
    if (synopsis_column == 0) synopsis_column = column;
    EXPECT_EQ(column, synopsis_column) << "synopses aligned: " << *it;
  }
  return names;
}

void expect_consul_style_help(const std::vector<std::string>& command) {
  std::string name;
  for (const auto& word : command) name += (name.empty() ? "" : " ") + word;
  std::vector<std::string> argv{GATEHOUSE_BINARY};
  argv.insert(argv.end(), command.begin(), command.end());
  argv.emplace_back("-h");
  const auto r = run_command(argv);
  EXPECT_EQ(r.exit_code, 0) << name;
  EXPECT_EQ(r.err, "") << name;
  for (const auto& p : consul_style_problems(name, r.out)) ADD_FAILURE() << name << ": " << p;
  argv.back() = "-help";
  EXPECT_EQ(run_command(argv).out, r.out) << name << " -help";
  // `gatehouse help CMD` is `gatehouse CMD -h`.
  argv.pop_back();
  argv.insert(argv.begin() + 1, "help");
  const auto via_help = run_command(argv);
  EXPECT_EQ(via_help.exit_code, 0) << "help " << name;
  EXPECT_EQ(via_help.out, r.out) << "help " << name;
}

TEST(Help, TopLevelListsTheCommandsAsConsulDoes) {
  for (const std::string flag : {"-h", "-help", "--help", "help"}) {
    const auto r = run_command({GATEHOUSE_BINARY, flag});
    EXPECT_EQ(r.exit_code, 0) << flag;
    EXPECT_EQ(r.err, "") << flag;
    EXPECT_TRUE(
        r.out.starts_with("Usage: gatehouse [--version] [--help] <command> [<args>]\n\n"
                          "Available commands are:\n"))
        << r.out;
    for (const auto& line : lines_of(r.out)) EXPECT_LE(width_of(line), 80U) << line;
    const auto names = listed_commands(r.out, "Available commands are:");
    EXPECT_EQ(names, (Lines{"decisions", "demo", "dev-agent", "echo", "intention", "probe", "proxy",
                            "version"}))
        << r.out;
  }
}

TEST(Help, EveryCommandsHelpLooksLikeConsuls) {
  const auto top = run_command({GATEHOUSE_BINARY, "-h"});
  const auto commands = listed_commands(top.out, "Available commands are:");
  ASSERT_FALSE(commands.empty()) << top.out;
  for (const auto& command : commands) expect_consul_style_help({command});
}

TEST(Help, EveryIntentionSubcommandsHelpLooksLikeConsuls) {
  const auto intention = run_command({GATEHOUSE_BINARY, "intention", "-h"});
  const auto subcommands = listed_commands(intention.out, "Subcommands:");
  ASSERT_EQ(subcommands.size(), 7U) << intention.out;
  for (const auto& subcommand : subcommands) expect_consul_style_help({"intention", subcommand});
}

TEST(Help, AgentFlagsAreGroupedApartAsHttpApiOptions) {
  const auto r = run_command({GATEHOUSE_BINARY, "probe", "-h"});
  const auto http = r.out.find("\nHTTP API Options\n\n  -ca-file=<value>\n");
  const auto own = r.out.find("\nCommand Options\n\n");
  ASSERT_NE(http, std::string::npos) << r.out;
  ASSERT_NE(own, std::string::npos) << r.out;
  EXPECT_LT(http, r.out.find("\n  -http-addr=<address>\n"));
  EXPECT_LT(r.out.find("\n  -http-addr=<address>\n"), own);
  EXPECT_GT(r.out.find("\n  -via-upstream\n"), own);  // a switch: no =<value>
  // The -expect example is one piece, on one line.
  EXPECT_NE(r.out.find(R"({"allow":[["web","db"]],"deny":[["api","db"]]})"), std::string::npos)
      << r.out;
}

TEST(Help, DurationsShowAsDurations) {  // as Go's flag package shows a time.Duration
  const auto proxy = run_command({GATEHOUSE_BINARY, "proxy", "-h"}).out;
  for (const char* flag :
       {"handshake-timeout", "local-connect-timeout", "idle-timeout", "drain-timeout",
        "tls-shutdown-timeout", "authz-timeout", "authz-stale-max"}) {
    EXPECT_NE(proxy.find("\n  -" + std::string{flag} + "=<duration>\n"), std::string::npos)
        << flag << "\n"
        << proxy;
  }
  const auto probe = run_command({GATEHOUSE_BINARY, "probe", "-h"}).out;
  EXPECT_NE(probe.find("\n  -settle=<duration>\n"), std::string::npos) << probe;
  EXPECT_NE(probe.find("\n  -connect-timeout=<duration>\n"), std::string::npos) << probe;
  const auto demo = run_command({GATEHOUSE_BINARY, "demo", "-h"}).out;
  EXPECT_NE(demo.find("\n  -settle=<duration>\n"), std::string::npos) << demo;
}

// The check must be able to fail: Boost.Program_options' own layout, as every command but the
// intention ones printed it, has every fault it looks for.
TEST(Help, TheCheckRejectsBoostsLayout) {
  const std::string boost_layout =
      "Usage: gatehouse probe [options]\n"
      "\n"
      "  Connects from each source to each destination over real mTLS (with the source's\n"
      "\n"
      "Options:\n"
      "  -h [ --help ]                         Show this help.\n"
      "  --expect arg                          JSON file of pairs that must be allowed or \n"
      "                                        denied: "
      "{\"allow\":[[\"web\",\"db\"]],\"deny\":[[\"ap\n"
      "                                        i\",\"db\"]]}.\n"
      "  --settle arg (=3s)                    How long an open, silent connection must \n";
  const auto problems = consul_style_problems("probe", boost_layout);
  const auto mentions = [&](const std::string& what) {
    return std::ranges::any_of(problems, [&](const auto& p) { return p.starts_with(what); });
  };
  EXPECT_TRUE(mentions("over 80 columns"));
  EXPECT_TRUE(mentions("not a group title in order"));
  EXPECT_TRUE(mentions("a --flag"));
  EXPECT_TRUE(mentions("Boost's [ --help ]"));
  EXPECT_TRUE(mentions("not a flag line"));
  // And intention's earlier single-dash columns.
  EXPECT_TRUE(!consul_style_problems("intention check",
                                     "Usage: gatehouse intention check [options] SRC DST\n\n"
                                     "  Check.\n\nCommand Options:\n"
                                     "  -h [ -help ]              Show this help.\n")
                   .empty());
}

}  // namespace
}  // namespace gatehouse::testing
