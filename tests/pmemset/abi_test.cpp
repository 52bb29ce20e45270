// SPDX-License-Identifier: BSD-3-Clause
// abi_test.cpp -- libpmemset.so.1 against the ABI facts: exported symbols and
// their version node, soname, every constant, and every structure layout.
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <libpmemset.h>

namespace {

std::string run(const std::string &cmd)
{
	std::string out;
	FILE *p = popen(cmd.c_str(), "r");
	if (!p)
		return out;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		out.append(buf, n);
	pclose(p);
	return out;
}

std::map<std::string, long long> read_tsv(const std::string &path)
{
	std::map<std::string, long long> facts;
	std::ifstream in(path);
	std::string line;
	while (std::getline(in, line)) {
		auto tab = line.find('\t');
		if (!line.empty() && line[0] != '#' && tab != std::string::npos)
			facts[line.substr(0, tab)] = std::stoll(line.substr(tab + 1));
	}
	return facts;
}

#define C(name) {#name, static_cast<long long>(name)}
#define SZ(type) {"sizeof(struct " #type ")", static_cast<long long>(sizeof(struct type))}
#define OFF(type, field) \
	{"offsetof(struct " #type ", " #field ")", static_cast<long long>(offsetof(struct type, field))}

const std::map<std::string, long long> kOurs = {
	C(PMEMSET_E_UNKNOWN), C(PMEMSET_E_NOSUPP), C(PMEMSET_E_INVALID_PMEM2_SOURCE),
	C(PMEMSET_E_INVALID_SOURCE_PATH), C(PMEMSET_E_INVALID_SOURCE_TYPE),
	C(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE), C(PMEMSET_E_INVALID_OFFSET_VALUE),
	C(PMEMSET_E_GRANULARITY_NOT_SUPPORTED), C(PMEMSET_E_INVALID_PMEM2_MAP), C(PMEMSET_E_PART_EXISTS),
	C(PMEMSET_E_GRANULARITY_NOT_SET), C(PMEMSET_E_GRANULARITY_MISMATCH), C(PMEMSET_E_NO_PART_MAPPED),
	C(PMEMSET_E_CANNOT_FIND_PART_MAP), C(PMEMSET_E_CANNOT_COALESCE_PARTS), C(PMEMSET_E_LENGTH_UNALIGNED),
	C(PMEMSET_E_PART_NOT_FOUND), C(PMEMSET_E_INVALID_COALESCING_VALUE), C(PMEMSET_E_DEEP_FLUSH_FAIL),
	C(PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS), C(PMEMSET_E_CANNOT_CREATE_TEMP_FILE),
	C(PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE), C(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP),
	C(PMEMSET_E_CANNOT_FIT_PART_MAP), C(PMEMSET_EVENT_CONTEXT_SIZE), C(PMEMSET_F_MEM_NODRAIN),
	C(PMEMSET_F_MEM_NONTEMPORAL), C(PMEMSET_F_MEM_TEMPORAL), C(PMEMSET_F_MEM_WC), C(PMEMSET_F_MEM_WB),
	C(PMEMSET_F_MEM_NOFLUSH), C(PMEMSET_F_MEM_VALID_FLAGS), C(PMEMSET_SOURCE_FILE_CREATE_ALWAYS),
	C(PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED), C(PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED),
	C(PMEMSET_SOURCE_FILE_CREATE_VALID_FLAGS), C(PMEMSET_COALESCING_NONE),
	C(PMEMSET_COALESCING_OPPORTUNISTIC), C(PMEMSET_COALESCING_FULL), C(PMEMSET_EVENT_COPY),
	C(PMEMSET_EVENT_MOVE), C(PMEMSET_EVENT_SET), C(PMEMSET_EVENT_FLUSH), C(PMEMSET_EVENT_DRAIN),
	C(PMEMSET_EVENT_PERSIST), C(PMEMSET_EVENT_BAD_BLOCK), C(PMEMSET_EVENT_REMOVE_RANGE),
	C(PMEMSET_EVENT_PART_ADD), C(PMEMSET_EVENT_PART_REMOVE), C(PMEMSET_PART_STATE_INDETERMINATE),
	C(PMEMSET_PART_STATE_OK), C(PMEMSET_PART_STATE_OK_BUT_INTERRUPTED), C(PMEMSET_PART_STATE_CORRUPTED),
	SZ(pmemset_part_descriptor), OFF(pmemset_part_descriptor, addr), OFF(pmemset_part_descriptor, size),
	SZ(pmemset_extras), OFF(pmemset_extras, sds_in), OFF(pmemset_extras, sds_out),
	OFF(pmemset_extras, state), SZ(pmemset_event_copy), OFF(pmemset_event_copy, src),
	OFF(pmemset_event_copy, dest), OFF(pmemset_event_copy, len), OFF(pmemset_event_copy, flags),
	SZ(pmemset_event_move), OFF(pmemset_event_move, src), OFF(pmemset_event_move, dest),
	OFF(pmemset_event_move, len), OFF(pmemset_event_move, flags), SZ(pmemset_event_set),
	OFF(pmemset_event_set, dest), OFF(pmemset_event_set, value), OFF(pmemset_event_set, len),
	OFF(pmemset_event_set, flags), SZ(pmemset_event_flush), OFF(pmemset_event_flush, addr),
	OFF(pmemset_event_flush, len), SZ(pmemset_event_persist), OFF(pmemset_event_persist, addr),
	OFF(pmemset_event_persist, len), SZ(pmemset_event_bad_block), OFF(pmemset_event_bad_block, addr),
	OFF(pmemset_event_bad_block, len), SZ(pmemset_event_remove_range),
	OFF(pmemset_event_remove_range, addr), OFF(pmemset_event_remove_range, len),
	SZ(pmemset_event_part_remove), OFF(pmemset_event_part_remove, addr),
	OFF(pmemset_event_part_remove, len), SZ(pmemset_event_part_add), OFF(pmemset_event_part_add, addr),
	OFF(pmemset_event_part_add, len), OFF(pmemset_event_part_add, src), SZ(pmemset_event_context),
	OFF(pmemset_event_context, type), OFF(pmemset_event_context, data),
};

} // namespace

TEST(PmemsetAbi, ConstantsAndLayoutsMatchTheFacts)
{
	auto facts = read_tsv(PMEMSET_ABI_DIR "/libpmemset.constants");
	ASSERT_EQ(facts.size(), 97u); // the whole fact file was read
	for (const auto &[name, value] : facts) {
		auto it = kOurs.find(name);
		ASSERT_NE(it, kOurs.end()) << name << " is not checked";
		EXPECT_EQ(it->second, value) << name;
	}
	EXPECT_EQ(kOurs.size(), facts.size());
}

TEST(PmemsetAbi, ExportedSymbolsAndVersionNode)
{
	std::set<std::string> expected;
	std::ifstream in(PMEMSET_ABI_DIR "/libpmemset.symbols");
	std::string fact;
	while (std::getline(in, fact)) {
		if (fact.empty() || fact[0] == '#')
			continue;
		std::istringstream fields(fact);
		std::string name, node;
		fields >> name >> node;
		ASSERT_EQ(node, "LIBPMEMSET_1.0") << fact;
		expected.insert(name + "@@" + node);
	}
	ASSERT_EQ(expected.size(), 33u);
	expected.insert("pmemset_err_to_errno@@LIBPMEMSET_1.0"); // declared by the reference, now exported

	std::istringstream nm(run("nm -D --defined-only " PMEMSET_LIBRARY));
	std::set<std::string> exported;
	std::string line;
	while (std::getline(nm, line)) {
		std::istringstream fields(line);
		std::string addr, type, sym;
		fields >> addr >> type >> sym;
		if (type == "A" && sym == "LIBPMEMSET_1.0")
			continue; // the version node itself
		if (!sym.empty())
			exported.insert(sym);
	}
	EXPECT_EQ(exported, expected);
}

TEST(PmemsetAbi, SonameAndDependencies)
{
	std::string dyn = run("objdump -p " PMEMSET_LIBRARY);
	EXPECT_NE(dyn.find("SONAME               libpmemset.so.1"), std::string::npos) << dyn;
	EXPECT_NE(dyn.find("NEEDED               libpmem2.so.1"), std::string::npos);
#ifndef PMEMSET_SANITIZED
	EXPECT_EQ(dyn.find("libstdc++"), std::string::npos) << "the C library must not need libstdc++";
#endif
}
