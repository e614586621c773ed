package org.pagila.cluster.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;

/** Where the KVM topology's backups live on the host and where each node archives (no VM). */
class KvmBackupTest {
    @Test
    void theHostsBackupFolderIsConfigurableWhileEveryNodeArchivesAtTheOnePath() {
        Properties p = new Properties();
        p.setProperty("backup.dir", "/var/tmp/pagila-kvm-it/backup");
        KvmBackup backup = new KvmBackup(KvmConfig.from(Path.of("test.properties"), p));
        assertEquals(Path.of("/var/tmp/pagila-kvm-it/backup/wal"), backup.settings().archiveDir(), "backups and the collected archive");
        assertTrue(backup.layout().archiveSettings().contains("/var/lib/pagila-backup/archive-wal.sh"), backup.layout().archiveSettings());
        assertEquals("/var/lib/pagila-backup/wal", backup.backupCluster(java.util.List.of(), null)
                .localArchives().orElseThrow().dir(), "collected from each node's own archive");
    }

    @Test
    void byDefaultTheHostKeepsItsBackupsAtTheNodesPath() {
        assertEquals(KvmBackup.DIR, new KvmBackup(KvmConfig.from(Path.of("test.properties"), new Properties())).settings().dir());
    }

    @Test
    void aRelativeBackupFolderIsRefusedNamingTheKey() {
        Properties p = new Properties();
        p.setProperty("backup.dir", "backups");
        ClusterException e = assertThrows(ClusterException.class, () -> KvmConfig.from(Path.of("test.properties"), p));
        assertTrue(e.getMessage().contains("backup.dir must be an absolute path"), e.getMessage());
    }
}
