package org.pagila.cluster.backup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WAL positions and file names, as PostgreSQL spells them: an LSN "16/B374D848" is a byte position; a segment
 * file "00000002000000160000003A" is timeline, then the position divided into 4 GiB "log" and segment parts.
 */
public final class WalNames {
    public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;
    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})(\\.partial|\\.[0-9A-F]{8}\\.backup)?");
    private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");

    private WalNames() {
    }

    public static long parseLsn(String lsn) {
        int slash = lsn.indexOf('/');
        if (slash < 1) {
            throw new IllegalArgumentException("Not an LSN (expected e.g. 0/3000148): " + lsn);
        }
        return (Long.parseUnsignedLong(lsn.substring(0, slash), 16) << 32) + Long.parseUnsignedLong(lsn.substring(slash + 1), 16);
    }

    public static String formatLsn(long lsn) {
        return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    /** The segment file holding the byte just before {@code lsn}: where a record ending at lsn was written. */
    public static String segmentEndingAt(int timeline, long lsn, long segmentSize) {
        return segmentName(timeline, segmentNumber(Math.max(0, lsn - 1), segmentSize), segmentSize);
    }

    public static long segmentNumber(long lsn, long segmentSize) {
        return lsn / segmentSize;
    }

    public static String segmentName(int timeline, long segmentNumber, long segmentSize) {
        long perLog = 0x100000000L / segmentSize;
        return String.format("%08X%08X%08X", timeline, segmentNumber / perLog, segmentNumber % perLog);
    }

    /** Segment number of a WAL file name (any timeline; also .partial and .backup files), if it is one. */
    public static Optional<Long> segmentNumberOf(String fileName, long segmentSize) {
        Matcher m = SEGMENT.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        long perLog = 0x100000000L / segmentSize;
        return Optional.of(Long.parseLong(m.group(2), 16) * perLog + Long.parseLong(m.group(3), 16));
    }

    public static Optional<Integer> timelineOf(String fileName) {
        Matcher m = SEGMENT.matcher(fileName);
        if (m.matches() && m.group(4) == null) {
            return Optional.of(Integer.parseInt(m.group(1), 16));
        }
        return Optional.empty();
    }

    /** A complete segment (not .partial, not .backup, not .history). */
    public static boolean isFullSegment(String fileName) {
        Matcher m = SEGMENT.matcher(fileName);
        return m.matches() && m.group(4) == null;
    }

    public static boolean isHistory(String fileName) {
        return HISTORY.matcher(fileName).matches();
    }

    /** The byte position just past the end of a full segment file. */
    public static long endOfSegment(String fileName, long segmentSize) {
        return (segmentNumberOf(fileName, segmentSize).orElseThrow() + 1) * segmentSize;
    }
}
