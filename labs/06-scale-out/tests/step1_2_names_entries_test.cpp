// Lab 6, steps 1-2: one name space for the whole cluster (docs/rooms-protocol.md
// §3), and the text a history entry / a published message is stored as.
#include <string>

#include "cluster.hpp"
#include "lab_test.hpp"
#include "wslab/rooms/redis_registry.hpp"

namespace wslab::rooms {
namespace {

using namespace std::chrono_literals;

class Lab6Names : public labtest::Cluster {};
WSLAB_LAB_SUITE(Lab6Entries);

// §3 across instances: a name is unique in the whole cluster, not per instance.
TEST_F(Lab6Names, NameTakenOnOneInstanceIsRenamedOnAnother) {
  labtest::Member a;
  labtest::Member b;
  ASSERT_TRUE(a.open(port(0), "alice")) << a.error();
  ASSERT_EQ(a.name(), "alice");
  ASSERT_TRUE(b.open(port(1), "alice")) << b.error();
  EXPECT_EQ(b.name(), "alice-2")
      << "did: hello alice on instance 1, then hello alice on instance 2\n"
         "expected: welcome alice-2 (names are claimed in Redis: SET wslab:user:<name> NX)";
}

TEST_F(Lab6Names, NameIsFreeAgainAfterItsUserDisconnects) {
  {
    labtest::Member a;
    ASSERT_TRUE(a.open(port(0), "alice")) << a.error();
    ASSERT_EQ(a.name(), "alice");
  }  // disconnects
  std::string got;
  const bool freed = labtest::eventually([&] {
    labtest::Member again;
    if (!again.open(port(1), "alice")) return false;
    got = again.name();
    return got == "alice";
  });
  EXPECT_TRUE(freed) << "did: alice connects to instance 1 and disconnects; hello alice on "
                        "instance 2\nexpected (within 3 s): welcome alice\nactual: "
                     << got;
}

// Step 2: "<seq> <json>" (the reference's format; yours may differ, but it must round-trip
// any text and refuse what is not an entry).
TEST_F(Lab6Entries, EntryRoundTripsAnyText) {
  const StoredMessage m{42, "ren\xc3\xa9", "a \"quoted\"\nline \xf0\x9f\x98\x80 and a space ", -5};
  const std::string text = encode_entry(m);
  ASSERT_FALSE(text.empty()) << "encode_entry returned nothing";
  EXPECT_EQ(text.rfind("42 ", 0), 0u) << "an entry starts with its seq and a space: " << text;
  const auto back = decode_entry(text);
  ASSERT_TRUE(back.has_value()) << "decode_entry refused what encode_entry wrote: " << text;
  EXPECT_EQ(back->seq, m.seq);
  EXPECT_EQ(back->from, m.from);
  EXPECT_EQ(back->text, m.text);
  EXPECT_EQ(back->ts, m.ts);
}

TEST_F(Lab6Entries, MalformedEntriesAreRefused) {
  ASSERT_TRUE(decode_entry(encode_entry({1, "a", "b", 2})).has_value())
      << "the well-formed control entry must decode";
  for (const char* bad : {"", "7", "x {\"from\":\"a\",\"text\":\"b\",\"ts\":1}", "7 not json",
                          "7 {\"from\":1,\"text\":\"b\",\"ts\":1}", "7 {\"text\":\"b\",\"ts\":1}",
                          "-1 {\"from\":\"a\",\"text\":\"b\",\"ts\":1}",
                          "7 {\"from\":\"a\",\"text\":\"b\",\"ts\":1e300}"}) {
    EXPECT_FALSE(decode_entry(bad).has_value()) << "decode_entry accepted: " << bad;
  }
}

}  // namespace
}  // namespace wslab::rooms
