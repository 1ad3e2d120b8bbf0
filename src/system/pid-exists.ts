/**
 * Whether a process with this pid exists (signal 0: nothing is sent). EPERM means it exists but belongs to another
 * user. A zombie counts as existing; supervisor/proc-table.ts tells running from exited.
 */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
