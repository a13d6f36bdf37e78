// The Consul-style help formatter: consul's wrapping (kr/text's minimal raggedness, 72 columns,
// five spaces), flag lines, groups and order, and the examples it must keep whole.
#include "tools/usage_text.hpp"

#include <gtest/gtest.h>

#include <boost/program_options/value_semantic.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tools/text_wrap.hpp"

namespace gatehouse::tools {
namespace {

namespace po = boost::program_options;

using Lines = std::vector<std::string>;

Lines lines_of(const std::string& text) {
  Lines out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string entry(const po::options_description& d, const std::string& name) {
  return flag_entry(d.find(name, false));
}

TEST(TextWrap, ChoosesTheLeastRaggedLinesNotTheGreedyOnes) {
  // Greedy would fill "aaa bb" (6) and leave "cc" (shortfall 4, cost 16); kr/text balances the
  // first two lines instead (costs 9 + 1). The last line is free, as in kr/text.
  EXPECT_EQ(wrap_words("aaa bb cc ddddd", 6), (Lines{"aaa", "bb cc", "ddddd"}));
  EXPECT_EQ(wrap_words("The quick brown fox jumps over the lazy dog.", 24),
            (Lines{"The quick brown fox", "jumps over the lazy dog."}));
}

TEST(TextWrap, NeverSplitsAWordAndCollapsesSpaces) {
  const std::string json = R"({"allow":[["web","db"]],"deny":[["api","db"]]}.)";
  EXPECT_EQ(wrap_words("pairs:  " + json + "\n end", 20), (Lines{"pairs:", json, "end"}));
  EXPECT_EQ(wrap_words(" \n ", 20), Lines{});
}

TEST(TextWrap, CountsCodePointsNotBytes) {
  EXPECT_EQ(text_width("caf\xc3\xa9"), 4U);
  // Five two-byte letters fit in five columns.
  EXPECT_EQ(wrap_words("\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9\xc3\xa9 x", 6),
            (Lines{"\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9\xc3\xa9", "x"}));
}

TEST(UsageText, FlagLineNamesTheValueAsGoDoes) {
  bool on = false;
  po::options_description d;
  d.add_options()("via-upstream", po::bool_switch(&on), "Switch.")(
      "revoke", po::value<bool>()->default_value(true)->implicit_value(true), "Bool.")(
      "service", po::value<std::string>(), "String.")("workers", po::value<int>(), "Int.")(
      "limit", po::value<std::size_t>(), "Uint.")("authz-verify", po::value<double>(), "Float.")(
      "source", po::value<std::vector<std::string>>(), "List.")(
      "http-addr", po::value<std::string>()->value_name("address"), "Named.")(
      "meta", po::value<std::vector<std::string>>()->value_name("KEY=VALUE"), "Not a word.");
  EXPECT_EQ(entry(d, "via-upstream"), "  -via-upstream\n     Switch.");
  EXPECT_EQ(entry(d, "revoke"), "  -revoke\n     Bool. Defaults to true.");
  EXPECT_EQ(entry(d, "service"), "  -service=<string>\n     String.");
  EXPECT_EQ(entry(d, "workers"), "  -workers=<int>\n     Int.");
  EXPECT_EQ(entry(d, "limit"), "  -limit=<uint>\n     Uint.");
  EXPECT_EQ(entry(d, "authz-verify"), "  -authz-verify=<float>\n     Float.");
  EXPECT_EQ(entry(d, "source"), "  -source=<value>\n     List.");
  EXPECT_EQ(entry(d, "http-addr"), "  -http-addr=<address>\n     Named.");
  EXPECT_EQ(entry(d, "meta"), "  -meta=<value>\n     Not a word.");
}

TEST(UsageText, StatesDefaultsButNotEmptyOnes) {
  po::options_description d;
  d.add_options()("settle", po::value<std::string>()->default_value("3s"), "Window.")(
      "node", po::value<std::string>()->default_value(""), "Node name.")(
      "workers", po::value<int>()->default_value(0), "")(
      "off", po::value<bool>()->default_value(false), "Bool.");
  EXPECT_EQ(entry(d, "settle"), "  -settle=<string>\n     Window. Defaults to 3s.");
  EXPECT_EQ(entry(d, "node"), "  -node=<string>\n     Node name.");
  EXPECT_EQ(entry(d, "workers"), "  -workers=<int>\n     Defaults to 0.");
  EXPECT_EQ(entry(d, "off"), "  -off=<bool>\n     Bool. Defaults to false.");
}

TEST(UsageText, WrapsAtConsulsWidthBehindFiveSpaces) {
  po::options_description d;
  d.add_options()("authz", po::value<std::string>(),
                  "agent: ask the agent about every inbound connection (POST "
                  "/v1/agent/connect/authorize). local: watch this service's intentions and "
                  "decide each connection in-process with Consul's rules.");
  const auto lines = lines_of(entry(d, "authz"));
  ASSERT_GT(lines.size(), 3U);
  EXPECT_EQ(lines[0], "  -authz=<string>");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with("     ") && lines[i][5] != ' ') << lines[i];
    EXPECT_LE(lines[i].size(), 72U) << lines[i];
  }
  EXPECT_NE(entry(d, "authz").find(" /v1/agent/connect/authorize). "), std::string::npos);
}

TEST(UsageText, KeepsExampleLinesAndParagraphsAsWritten) {
  po::options_description d;
  d.add_options()("expect", po::value<std::string>(),
                  "JSON file of pairs that must be allowed or denied, for example:\n"
                  "  {\"allow\": [[\"web\", \"db\"]],   \"deny\": [[\"api\", \"db\"]]}\n"
                  "\n"
                  "A second paragraph.");
  EXPECT_EQ(entry(d, "expect"),
            "  -expect=<string>\n"
            "     JSON file of pairs that must be allowed or denied, for example:\n"
            "       {\"allow\": [[\"web\", \"db\"]],   \"deny\": [[\"api\", \"db\"]]}\n"
            "\n"
            "     A second paragraph.");
}

TEST(UsageText, HttpApiOptionsFirstThenCommandOptionsEachSortedWithoutHelp) {
  bool help = false;
  po::options_description d;
  d.add_options()("help,h", po::bool_switch(&help), "Show this help.")(
      "source", po::value<std::string>(), "Source.")("destination", po::value<std::string>(),
                                                     "Destination.")(
      "token", po::value<std::string>(), "Token.")("http-addr", po::value<std::string>(),
                                                   "Address.");
  EXPECT_EQ(usage_text("\n Usage: gatehouse probe [options]\n\n  Probes.\n\n", d),
            "Usage: gatehouse probe [options]\n\n  Probes.\n\n"
            "HTTP API Options\n\n"
            "  -http-addr=<string>\n     Address.\n\n"
            "  -token=<string>\n     Token.\n\n"
            "Command Options\n\n"
            "  -destination=<string>\n     Destination.\n\n"
            "  -source=<string>\n     Source.\n");
}

TEST(UsageText, OwnFlagsNamedLikeAgentFlagsStayCommandOptions) {
  po::options_description d;
  d.add_options()("http-addr", po::value<std::string>(), "Listen here.");
  EXPECT_EQ(usage_text("Usage: gatehouse dev-agent [options]\n\n  Runs.", d, AgentFlags::none),
            "Usage: gatehouse dev-agent [options]\n\n  Runs.\n\n"
            "Command Options\n\n  -http-addr=<string>\n     Listen here.\n");
  const po::options_description none;
  EXPECT_EQ(usage_text("Usage: gatehouse version\n\n  Prints.", none),
            "Usage: gatehouse version\n\n  Prints.\n");
}

TEST(UsageText, CommandListAlignsSynopsesAfterTheLongestName) {
  const std::vector<CommandSynopsis> commands{{"demo", "Runs the demo"},
                                              {"dev-agent", "Runs an agent"}};
  EXPECT_EQ(command_list(commands),
            "    demo         Runs the demo\n"
            "    dev-agent    Runs an agent\n");
}

}  // namespace
}  // namespace gatehouse::tools
