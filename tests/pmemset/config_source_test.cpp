// SPDX-License-Identifier: BSD-3-Clause
// config_source_test.cpp -- configs, set creation, errors, and every kind of source.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <thread>

#include "pmemset_fixture.hpp"

using namespace pmemset_test;

TEST(PmemsetConfig, NewDeleteAndNullArguments)
{
	pmemset_config *cfg = nullptr;
	ASSERT_EQ(pmemset_config_new(&cfg), 0);
	ASSERT_NE(cfg, nullptr);
	EXPECT_EQ(pmemset_config_delete(&cfg), 0);
	EXPECT_EQ(cfg, nullptr);
	EXPECT_EQ(pmemset_config_delete(&cfg), 0); // NULL *cfg: no-op
	EXPECT_EQ(pmemset_config_new(nullptr), -EINVAL);
	EXPECT_EQ(pmemset_config_delete(nullptr), -EINVAL);
	EXPECT_EQ(pmemset_config_set_required_store_granularity(nullptr, PMEM2_GRANULARITY_PAGE), -EINVAL);
	pmemset_config_set_reservation(nullptr, nullptr); // must not crash
	pmemset_config_set_event_callback(nullptr, nullptr, nullptr);
}

TEST(PmemsetConfig, GranularityValidation)
{
	pmemset_config *cfg = nullptr;
	ASSERT_EQ(pmemset_config_new(&cfg), 0);
	for (auto g : {PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE, PMEM2_GRANULARITY_PAGE})
		EXPECT_EQ(pmemset_config_set_required_store_granularity(cfg, g), 0);
	EXPECT_EQ(pmemset_config_set_required_store_granularity(cfg, static_cast<pmem2_granularity>(3)),
		PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	EXPECT_NE(std::string(pmemset_errormsg()).find("granularity"), std::string::npos);
	EXPECT_EQ(pmemset_config_set_required_store_granularity(cfg, static_cast<pmem2_granularity>(-1)),
		PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	pmemset_config_delete(&cfg);
}

TEST(PmemsetNew, RequiresGranularityAndCopiesConfig)
{
	pmemset_config *cfg = nullptr;
	pmemset *set = reinterpret_cast<pmemset *>(0x1);
	ASSERT_EQ(pmemset_config_new(&cfg), 0);
	EXPECT_EQ(pmemset_new(&set, cfg), PMEMSET_E_GRANULARITY_NOT_SET);
	EXPECT_EQ(set, nullptr); // the man page: NULL on failure
	EXPECT_EQ(pmemset_new(&set, nullptr), -EINVAL);
	EXPECT_EQ(pmemset_new(nullptr, cfg), -EINVAL);
	ASSERT_EQ(pmemset_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE), 0);
	ASSERT_EQ(pmemset_new(&set, cfg), 0);
	// The set keeps its own copy: the config can go away first.
	ASSERT_EQ(pmemset_config_delete(&cfg), 0);
	enum pmem2_granularity g;
	EXPECT_EQ(pmemset_get_store_granularity(set, &g), PMEMSET_E_NO_PART_MAPPED);
	EXPECT_EQ(pmemset_delete(&set), 0);
	EXPECT_EQ(set, nullptr);
	EXPECT_EQ(pmemset_delete(&set), 0); // NULL *set: no-op
	EXPECT_EQ(pmemset_delete(nullptr), -EINVAL);
}

TEST(PmemsetErrors, ErrToErrnoAndThreadLocalMessage)
{
	EXPECT_EQ(pmemset_err_to_errno(-ENOMEM), ENOMEM);
	EXPECT_EQ(pmemset_err_to_errno(-EACCES), EACCES);
	EXPECT_EQ(pmemset_err_to_errno(PMEMSET_E_NOSUPP), ENOTSUP);
	EXPECT_EQ(pmemset_err_to_errno(PMEMSET_E_PART_NOT_FOUND), EINVAL);
	EXPECT_EQ(pmemset_err_to_errno(PMEMSET_E_CANNOT_FIT_PART_MAP), EINVAL);
	EXPECT_EQ(pmemset_err_to_errno(PMEM2_E_MAPPING_EXISTS), EINVAL);
	EXPECT_EQ(pmemset_err_to_errno(5), EINVAL);

	pmemset_config *cfg = nullptr;
	ASSERT_EQ(pmemset_config_new(&cfg), 0);
	pmemset *set = nullptr;
	ASSERT_EQ(pmemset_new(&set, cfg), PMEMSET_E_GRANULARITY_NOT_SET);
	std::string main_msg = pmemset_errormsg();
	EXPECT_NE(main_msg.find("granularity"), std::string::npos);
	std::string other;
	std::thread([&] { other = pmemset_errormsg(); }).join();
	EXPECT_EQ(other, ""); // per thread
	// libpmemset's buffer is its own: libpmem2's message is untouched by it.
	EXPECT_EQ(std::string(pmem2_errormsg()).find("the config has no required"), std::string::npos);

	// perror: format, ": ", the message, newline.
	fflush(stderr);
	char path[] = "/tmp/pmemset-perror-XXXXXX";
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	int saved = dup(2);
	dup2(fd, 2);
	pmemset_perror("ctx %d", 7);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char buf[512] = {};
	ASSERT_GT(pread(fd, buf, sizeof(buf) - 1, 0), 0);
	close(fd);
	unlink(path);
	EXPECT_EQ(std::string(buf), "ctx 7: " + main_msg + "\n");
	pmemset_config_delete(&cfg);
}

TEST(PmemsetSource, FromPmem2)
{
	pmemset_source *src = nullptr;
	EXPECT_EQ(pmemset_source_from_pmem2(&src, nullptr), PMEMSET_E_INVALID_PMEM2_SOURCE);
	EXPECT_EQ(src, nullptr);
	EXPECT_EQ(pmemset_source_from_pmem2(nullptr, nullptr), -EINVAL);

	pmem2_source *anon = nullptr;
	ASSERT_EQ(pmem2_source_from_anon(&anon, 4096), 0);
	EXPECT_EQ(pmemset_source_from_pmem2(&src, anon), PMEM2_E_FILE_DESCRIPTOR_NOT_SET);
	pmem2_source_delete(&anon);

	pmem2::test::TempFile file(4 * page());
	pmem2_source *p2 = nullptr;
	ASSERT_EQ(pmem2_source_from_fd(&p2, file.fd()), 0);
	ASSERT_EQ(pmemset_source_from_pmem2(&src, p2), 0);
	EXPECT_EQ(pmemset_source_delete(&src), 0);
	EXPECT_EQ(src, nullptr);
	// The borrowed fd stays open.
	EXPECT_NE(fcntl(file.fd(), F_GETFD), -1);
	pmem2_source_delete(&p2);
	EXPECT_EQ(pmemset_source_delete(&src), 0); // NULL *src
	EXPECT_EQ(pmemset_source_delete(nullptr), -EINVAL);
}

TEST(PmemsetSource, FromFileErrors)
{
	pmemset_source *src = nullptr;
	EXPECT_EQ(pmemset_source_from_file(&src, nullptr), PMEMSET_E_INVALID_SOURCE_PATH);
	EXPECT_EQ(pmemset_source_from_file(&src, "/nonexistent/pmemset/file"),
		PMEMSET_E_INVALID_SOURCE_PATH);
	EXPECT_EQ(pmemset_source_from_file(nullptr, "/tmp"), -EINVAL);
	// A directory is no file to map.
	EXPECT_EQ(pmemset_source_from_file(&src, "/tmp"), -EISDIR);
	EXPECT_EQ(src, nullptr);
	std::string longname(PATH_MAX + 10, 'a');
	EXPECT_EQ(pmemset_source_from_file(&src, longname.c_str()), -ENAMETOOLONG);
	if (geteuid() != 0) {
		pmem2::test::TempFile ro(page());
		chmod(ro.path().c_str(), 0400);
		EXPECT_EQ(pmemset_source_from_file(&src, ro.path().c_str()), -EACCES);
	}
}

TEST(PmemsetSource, XsourceFlags)
{
	pmemset_source *src = nullptr;
	std::string path = "/tmp/pmemset-xsource-" + std::to_string(getpid());
	unlink(path.c_str());
	EXPECT_EQ(pmemset_xsource_from_file(&src, path.c_str(), 8),
		PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	EXPECT_EQ(pmemset_xsource_from_file(&src, path.c_str(), ~0u),
		PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	EXPECT_EQ(pmemset_xsource_from_file(&src, nullptr, PMEMSET_SOURCE_FILE_CREATE_ALWAYS),
		PMEMSET_E_INVALID_SOURCE_PATH);
	// No create flag and no file.
	EXPECT_EQ(pmemset_xsource_from_file(&src, path.c_str(), 0), PMEMSET_E_INVALID_SOURCE_PATH);
	EXPECT_EQ(pmemset_xsource_from_file(&src, path.c_str(), PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED),
		PMEMSET_E_INVALID_SOURCE_PATH);

	// CREATE_IF_NEEDED creates (mode 0644 & ~umask) and keeps existing content.
	mode_t old = umask(022);
	ASSERT_EQ(pmemset_xsource_from_file(&src, path.c_str(), PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED), 0);
	umask(old);
	struct stat st;
	ASSERT_EQ(stat(path.c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0644u);
	EXPECT_EQ(st.st_size, 0);
	pmemset_source_delete(&src);
	ASSERT_EQ(truncate(path.c_str(), 3 * page()), 0);
	ASSERT_EQ(pmemset_xsource_from_file(&src, path.c_str(), PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED), 0);
	ASSERT_EQ(stat(path.c_str(), &st), 0);
	EXPECT_EQ(static_cast<size_t>(st.st_size), 3 * page());
	pmemset_source_delete(&src);
	// CREATE_ALWAYS truncates, and wins over CREATE_IF_NEEDED.
	ASSERT_EQ(pmemset_xsource_from_file(&src, path.c_str(),
			  PMEMSET_SOURCE_FILE_CREATE_ALWAYS | PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED),
		0);
	ASSERT_EQ(stat(path.c_str(), &st), 0);
	EXPECT_EQ(st.st_size, 0);
	pmemset_source_delete(&src);
	EXPECT_EQ(unlink(path.c_str()), 0); // the file created is cleaned up
}

TEST(PmemsetSource, TemporaryErrorsAndCleanup)
{
	pmemset_source *src = nullptr;
	EXPECT_EQ(pmemset_source_from_temporary(&src, nullptr), PMEMSET_E_INVALID_SOURCE_PATH);
	EXPECT_EQ(pmemset_source_from_temporary(&src, "/nonexistent/pmemset"), PMEMSET_E_INVALID_SOURCE_PATH);
	pmem2::test::TempFile notdir(page());
	EXPECT_EQ(pmemset_source_from_temporary(&src, notdir.path().c_str()),
		PMEMSET_E_CANNOT_CREATE_TEMP_FILE);
	EXPECT_EQ(src, nullptr);

	// The file is unnamed: the directory is unchanged, and it is gone with the source.
	char dir[] = "/tmp/pmemset-tmpdir-XXXXXX";
	ASSERT_NE(mkdtemp(dir), nullptr);
	ASSERT_EQ(pmemset_source_from_temporary(&src, dir), 0) << pmemset_errormsg();
	DIR *d = opendir(dir);
	int entries = 0;
	while (struct dirent *e = readdir(d))
		if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
			++entries;
	closedir(d);
	EXPECT_EQ(entries, 0);
	EXPECT_EQ(pmemset_source_delete(&src), 0);
	EXPECT_EQ(rmdir(dir), 0);
}
