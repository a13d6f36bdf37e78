// go-memdb index.go UUIDFieldIndex.parseString with the length enforced (FromArgs), whose texts
// Consul's legacy intention endpoints pass on.
#include "tools/dev_agent/memdb_uuid.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tools {
namespace {

TEST(MemdbUuid, AcceptsHexWithUpToFourHyphensAnywhere) {
  EXPECT_FALSE(memdb_uuid_error("e9ebc19f-d481-42b1-4871-4d298d3acd5c"));
  EXPECT_FALSE(memdb_uuid_error("E9EBC19F-D481-42B1-4871-4D298D3ACD5C"));
  EXPECT_FALSE(memdb_uuid_error("000000000000000000000000000000000000"));
  EXPECT_FALSE(memdb_uuid_error("00-0000000000000000000000000000000-0"));
}

TEST(MemdbUuid, TextsInMemdbOrder) {
  EXPECT_EQ(memdb_uuid_error("abc"), "UUID must be 36 characters");
  EXPECT_EQ(memdb_uuid_error("0-0000000-0000-0000-0000-00000000000"),
            "UUID should have maximum of 4 \"-\"; got 5");
  EXPECT_EQ(memdb_uuid_error("000000000000000000000000000000000-00"),
            "Input (without hyphens) must be even length");
  EXPECT_EQ(memdb_uuid_error("z0000000-0000-0000-0000-000000000000"),
            "Invalid UUID: encoding/hex: invalid byte: U+007A 'z'");
  // Go's %#U leaves out characters it does not print.
  EXPECT_EQ(memdb_uuid_error(std::string{"\x01"} + "0000000-0000-0000-0000-000000000000"),
            "Invalid UUID: encoding/hex: invalid byte: U+0001");
}

}  // namespace
}  // namespace gatehouse::tools
