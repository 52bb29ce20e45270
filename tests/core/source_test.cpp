// SPDX-License-Identifier: BSD-3-Clause
// source_test.cpp -- pmem2_source_*: fd classification and its error order,
// anonymous sources, get_fd, size and alignment, NULL arguments.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>

#include "core_test_util.hpp"
#include "pmem2/source/source.hpp"

using namespace pmem2::test;

namespace {

const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));

// A poisoned out-pointer, to prove the library writes NULL on failure.
pmem2_source *poison() { return reinterpret_cast<pmem2_source *>(0x1); }

// pmem2_source_from_fd expecting failure; checks *src is NULL and a message is set.
int from_fd_fails(int fd)
{
	pmem2_source *src = poison();
	pmem2_errormsg(); // the buffer exists before the call
	int rc = pmem2_source_from_fd(&src, fd);
	EXPECT_EQ(src, nullptr);
	EXPECT_STRNE(pmem2_errormsg(), "");
	return rc;
}

} // namespace

TEST(Source, NullOutPointerIsAnError)
{
	TempFile f(kPage);
	EXPECT_LT(pmem2_source_from_fd(nullptr, f.fd()), 0);
	EXPECT_LT(pmem2_source_from_anon(nullptr, 10), 0);
}

TEST(Source, NegativeFdIsInvalidHandle)
{
	EXPECT_EQ(from_fd_fails(-1), PMEM2_E_INVALID_FILE_HANDLE);
	EXPECT_EQ(from_fd_fails(-100), PMEM2_E_INVALID_FILE_HANDLE);
}

TEST(Source, ClosedFdIsInvalidHandle)
{
	int fd = ::open("/dev/null", O_RDONLY);
	ASSERT_GE(fd, 0);
	::close(fd);
	EXPECT_EQ(from_fd_fails(fd), PMEM2_E_INVALID_FILE_HANDLE);
}

TEST(Source, WriteOnlyFdIsInvalidHandle)
{
	TempFile f(kPage, "/tmp", O_WRONLY);
	EXPECT_EQ(from_fd_fails(f.fd()), PMEM2_E_INVALID_FILE_HANDLE);
}

TEST(Source, WriteOnlyCheckPrecedesTypeCheck)
{
	// The write end of a pipe is both write-only and a FIFO: the handle error wins.
	int p[2];
	ASSERT_EQ(::pipe(p), 0);
	EXPECT_EQ(from_fd_fails(p[1]), PMEM2_E_INVALID_FILE_HANDLE);
	::close(p[0]);
	::close(p[1]);
}

TEST(Source, DirectoryIsInvalidFileType)
{
	TempDir dir;
	int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(from_fd_fails(fd), PMEM2_E_INVALID_FILE_TYPE);
	::close(fd);
}

TEST(Source, FifoIsInvalidFileType)
{
	int p[2];
	ASSERT_EQ(::pipe(p), 0);
	EXPECT_EQ(from_fd_fails(p[0]), PMEM2_E_INVALID_FILE_TYPE);
	::close(p[0]);
	::close(p[1]);
}

TEST(Source, SocketIsInvalidFileType)
{
	int sv[2];
	ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(from_fd_fails(sv[0]), PMEM2_E_INVALID_FILE_TYPE);
	::close(sv[0]);
	::close(sv[1]);
}

TEST(Source, NonDaxCharDeviceIsInvalidFileType)
{
	struct stat st;
	if (::stat("/sys/dev/char/1:3", &st) != 0)
		GTEST_SKIP() << "no /sys/dev/char/1:3 (sysfs not mounted?)";
	int fd = ::open("/dev/null", O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(from_fd_fails(fd), PMEM2_E_INVALID_FILE_TYPE);
	EXPECT_NE(std::string(pmem2_errormsg()).find("not device DAX"), std::string::npos) << pmem2_errormsg();
	::close(fd);
}

TEST(Source, BlockDeviceIsInvalidFileType)
{
	TempDir dir;
	// A private block device node (loop0's numbers): opening it is not needed to be
	// refused, only fstat's S_ISBLK. Skip when the node cannot be opened.
	const std::string node = dir / "blk";
	if (::mknod(node.c_str(), S_IFBLK | 0600, makedev(7, 0)) != 0)
		GTEST_SKIP() << "cannot create a block device node (not root?)";
	int fd = ::open(node.c_str(), O_RDONLY);
	if (fd < 0)
		GTEST_SKIP() << "cannot open a block device here: " << std::strerror(errno);
	EXPECT_EQ(from_fd_fails(fd), PMEM2_E_INVALID_FILE_TYPE);
	::close(fd);
}

TEST(Source, RegularFileKeepsTheCallersFd)
{
	TempFile f(3 * kPage);
	pmem2_source *src = nullptr;
	ASSERT_EQ(pmem2_source_from_fd(&src, f.fd()), 0);
	ASSERT_NE(src, nullptr);

	int fd = -1;
	EXPECT_EQ(pmem2_source_get_fd(src, &fd), 0);
	EXPECT_EQ(fd, f.fd()); // not duplicated

	size_t size = 0;
	EXPECT_EQ(pmem2_source_size(src, &size), 0);
	EXPECT_EQ(size, 3 * kPage);

	size_t align = 0;
	EXPECT_EQ(pmem2_source_alignment(src, &align), 0);
	EXPECT_EQ(align, kPage);

	EXPECT_EQ(pmem2_source_delete(&src), 0);
	EXPECT_EQ(src, nullptr);
	EXPECT_NE(::fcntl(f.fd(), F_GETFD), -1) << "the library closed the caller's fd";
}

TEST(Source, ReadOnlyFdIsAccepted)
{
	TempFile f(kPage, "/tmp", O_RDONLY);
	SourcePtr src = source_from_fd(f.fd());
	size_t size = 0;
	EXPECT_EQ(pmem2_source_size(src.get(), &size), 0);
	EXPECT_EQ(size, kPage);
}

TEST(Source, OPathFdIsAcceptedAndFailsWhenMapped)
{
	TempFile f(kPage);
	int fd = ::open(f.path().c_str(), O_PATH);
	ASSERT_GE(fd, 0);
	pmem2_source *raw = nullptr;
	ASSERT_EQ(pmem2_source_from_fd(&raw, fd), 0); // as the reference: access mode reads as O_RDONLY
	SourcePtr src(raw);
	size_t size = 0;
	EXPECT_EQ(pmem2_source_size(src.get(), &size), 0);
	EXPECT_EQ(size, kPage);
	auto cfg = make_config();
	MapPtr m;
	EXPECT_EQ(map_new(m, cfg, src), -EBADF);
	EXPECT_EQ(m, nullptr);
	::close(fd);
}

TEST(Source, SizeFollowsTheFile)
{
	TempFile f(5000);
	SourcePtr src = source_from_fd(f.fd());
	size_t size = 0;
	ASSERT_EQ(pmem2_source_size(src.get(), &size), 0);
	EXPECT_EQ(size, 5000u);
	ASSERT_EQ(::ftruncate(f.fd(), 1 << 20), 0);
	ASSERT_EQ(pmem2_source_size(src.get(), &size), 0);
	EXPECT_EQ(size, 1u << 20);
	ASSERT_EQ(::ftruncate(f.fd(), 0), 0);
	ASSERT_EQ(pmem2_source_size(src.get(), &size), 0);
	EXPECT_EQ(size, 0u);
}

TEST(Source, SizeOfClosedFdIsInvalidHandleAndLeavesOutputAlone)
{
	int fd = ::open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(::ftruncate(fd, 8192), 0);
	SourcePtr src = source_from_fd(fd);
	::close(fd);
	size_t size = 12345;
	EXPECT_EQ(pmem2_source_size(src.get(), &size), PMEM2_E_INVALID_FILE_HANDLE);
	EXPECT_EQ(size, 12345u);
	EXPECT_STRNE(pmem2_errormsg(), "");
}

TEST(Source, AnonymousSource)
{
	for (size_t want : {size_t(0), size_t(1), size_t(5000), size_t(1) << 40}) {
		pmem2_source *src = nullptr;
		ASSERT_EQ(pmem2_source_from_anon(&src, want), 0);
		size_t size = 1;
		EXPECT_EQ(pmem2_source_size(src, &size), 0);
		EXPECT_EQ(size, want);
		size_t align = 0;
		EXPECT_EQ(pmem2_source_alignment(src, &align), 0);
		EXPECT_EQ(align, kPage);
		int fd = 77;
		EXPECT_EQ(pmem2_source_get_fd(src, &fd), PMEM2_E_FILE_DESCRIPTOR_NOT_SET);
		EXPECT_EQ(fd, 77);
		EXPECT_EQ(pmem2_source_delete(&src), 0);
		EXPECT_EQ(src, nullptr);
	}
}

TEST(Source, DeleteNullIsANoOp)
{
	EXPECT_EQ(pmem2_source_delete(nullptr), 0);
	pmem2_source *src = nullptr;
	EXPECT_EQ(pmem2_source_delete(&src), 0);
	EXPECT_EQ(src, nullptr);
}

TEST(Source, NullArgumentsGiveNegativeCodes)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	int fd;
	size_t v;
	EXPECT_LT(pmem2_source_get_fd(nullptr, &fd), 0);
	EXPECT_LT(pmem2_source_get_fd(src.get(), nullptr), 0);
	EXPECT_LT(pmem2_source_size(nullptr, &v), 0);
	EXPECT_LT(pmem2_source_size(src.get(), nullptr), 0);
	EXPECT_LT(pmem2_source_alignment(nullptr, &v), 0);
	EXPECT_LT(pmem2_source_alignment(src.get(), nullptr), 0);
}

TEST(SourceCore, FromFdRecordsIdentity)
{
	TempFile f(kPage);
	auto src = pmem2::source::from_fd(f.fd());
	ASSERT_TRUE(src);
	struct stat st;
	ASSERT_EQ(::fstat(f.fd(), &st), 0);
	EXPECT_EQ(src.value()->kind, pmem2::source::Kind::Regular);
	EXPECT_EQ(src.value()->fd, f.fd());
	EXPECT_EQ(src.value()->st_dev, st.st_dev);

	auto anon = pmem2::source::from_anon(99);
	EXPECT_EQ(anon->kind, pmem2::source::Kind::Anonymous);
	EXPECT_EQ(anon->fd, -1);
	EXPECT_EQ(anon->anon_size, 99u);
}
