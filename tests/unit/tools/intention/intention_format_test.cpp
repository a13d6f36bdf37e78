// The `list` table and JSON, the `get` details, RFC850 times and intention files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "tools/intention/columns.hpp"
#include "tools/intention/intention_details.hpp"
#include "tools/intention/intention_file.hpp"
#include "tools/intention/intention_table.hpp"

namespace gatehouse::tools {
namespace {

consul::Intention intention(std::string source, std::string destination, std::string action,
                            int precedence = 9) {
  consul::Intention ixn;
  ixn.source_ns = "default";
  ixn.source_name = std::move(source);
  ixn.destination_ns = "default";
  ixn.destination_name = std::move(destination);
  ixn.action = std::move(action);
  ixn.precedence = precedence;
  return ixn;
}

// Local time is UTC for these tests, so RFC850 output is fixed.
class InUtc : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_ = tz;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> saved_;
};

TEST(Columns, PadsAllButTheLastColumnWithTwoSpaceGutters) {
  EXPECT_EQ(columnize({{"a", "bb", "c"}, {"ccc", "d", "eeee"}}), "a    bb  c\nccc  d   eeee");
}

TEST(Columns, TrimsCellsAndCountsCodePoints) {
  EXPECT_EQ(columnize({{" x ", "1"}, {"\xc3\xa9t\xc3\xa9", "2"}}), "x    1\n\xc3\xa9t\xc3\xa9  2");
}

TEST(IntentionTable, MatchesConsulsExample) {
  auto legacy = intention("dashboard", "counting", "allow");
  legacy.id = "36a6cf15-5f0e-a388-163e-0f608009704a";
  const std::vector<consul::Intention> all{intention("web", "db", "allow"), legacy};
  EXPECT_EQ(format_intention_table(all),
            "ID                                    Source     Action  Destination  Precedence\n"
            "                                      web        allow   db           9\n"
            "36a6cf15-5f0e-a388-163e-0f608009704a  dashboard  allow   counting     9\n");
}

TEST(IntentionTable, EmptyIdsAndL7ActionsKeepTheirColumns) {
  auto l7 = intention("admin", "db", "");
  l7.permissions.resize(2);
  const std::vector<consul::Intention> all{intention("*", "db", "deny", 8), l7};
  EXPECT_EQ(format_intention_table(all),
            "ID  Source  Action  Destination  Precedence\n"
            "    *       deny    db           8\n"
            "    admin           db           9\n");
}

TEST(IntentionTable, JsonIsTheApiArray) {
  const std::vector<consul::Intention> all{intention("web", "db", "allow")};
  const auto text = format_intention_json(all);
  ASSERT_TRUE(text.ends_with("\n"));
  EXPECT_NE(text.find("\n        \"Action\": \"allow\""), std::string::npos) << text;
  const auto parsed = nlohmann::json::parse(text);
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 1U);
  EXPECT_EQ(parsed[0]["SourceName"], "web");
  EXPECT_EQ(parsed[0]["DestinationName"], "db");
  EXPECT_EQ(parsed[0]["Precedence"], 9);
  EXPECT_FALSE(parsed[0].contains("ID"));
  EXPECT_EQ(format_intention_json({}), "[]\n");
}

TEST_F(InUtc, Rfc850FollowsGosLayout) {
  EXPECT_EQ(format_rfc850_local("2024-03-05T10:02:11.577421Z"), "Tuesday, 05-Mar-24 10:02:11 UTC");
  EXPECT_EQ(format_rfc850_local("2024-03-05T10:02:11+02:00"), "Tuesday, 05-Mar-24 08:02:11 UTC");
  EXPECT_EQ(format_rfc850_local(""), "Monday, 01-Jan-01 00:00:00 UTC");
  EXPECT_EQ(format_rfc850_local("yesterday"), "Monday, 01-Jan-01 00:00:00 UTC");
}

TEST_F(InUtc, DetailsOfALegacyIntention) {
  auto ixn = intention("web", "db", "allow");
  ixn.id = "8f246b77-f3e1-ff88-5b48-8ec93abf3e05";
  ixn.description = "web may read db";
  ixn.meta = {{"owner", "team-a"}, {"env", "prod"}};
  ixn.created_at = "2024-03-05T10:02:11.577421Z";
  EXPECT_EQ(format_intention_details(ixn),
            "Source:       web\n"
            "Destination:  db\n"
            "Action:       allow\n"
            "ID:           8f246b77-f3e1-ff88-5b48-8ec93abf3e05\n"
            "Description:  web may read db\n"
            "Meta[env]:    prod\n"
            "Meta[owner]:  team-a\n"
            "Created At:   Tuesday, 05-Mar-24 10:02:11 UTC\n");
}

TEST_F(InUtc, DetailsOfAConfigEntryIntentionShowGosZeroTime) {
  auto ixn = intention("web", "db", "deny");
  ixn.source_ns = "team";
  EXPECT_EQ(format_intention_details(ixn),
            "Source:       team/web\n"
            "Destination:  db\n"
            "Action:       deny\n"
            "Created At:   Monday, 01-Jan-01 00:00:00 UTC\n");
}

TEST(IntentionFile, ReadsAnIntention) {
  const auto ixn = parse_intention_file(
      "web-db.json",
      R"({"SourceName":"web","DestinationName":"db","Action":"deny","Description":"no"})");
  ASSERT_TRUE(ixn) << ixn.error();
  EXPECT_EQ(ixn->to_cli_string(), "web => db (deny)");
  EXPECT_EQ(ixn->description, "no");
}

TEST(IntentionFile, ErrorsNameTheFileAndTheField) {
  const auto expect_error = [](std::string_view body, const std::string& error) {
    const auto ixn = parse_intention_file("f.json", body);
    ASSERT_FALSE(ixn) << body;
    EXPECT_EQ(ixn.error(), error);
  };
  expect_error(R"({"SourceName":"web","DestinationName":"db","Acton":"allow"})",
               "f.json: json: unknown field \"Acton\"");
  expect_error(R"({"SourceName":7})",
               "f.json: json: cannot unmarshal number into Go struct field Intention.SourceName "
               "of type string");
  expect_error("{\"SourceName\":", "f.json: unexpected EOF");
  expect_error("", "f.json: EOF");
  expect_error(R"({"DestinationName":"db","Action":"allow"})", "f.json: SourceName must be set");
  expect_error(R"({"SourceName":"web","Action":"allow"})", "f.json: DestinationName must be set");
  expect_error(R"({"SourceName":"web","DestinationName":"db"})",
               "f.json: Action must be set to 'allow' or 'deny'");
  expect_error(
      R"({"SourceName":"web","DestinationName":"db","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]})",
      "cannot create L7 intention from file \"f.json\" using this CLI; use 'consul config write' "
      "instead");
}

}  // namespace
}  // namespace gatehouse::tools
