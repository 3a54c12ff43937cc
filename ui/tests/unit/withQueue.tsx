import type { ReactNode } from "react";
import { TransferPanel, TransferQueueProvider, useTransferQueue } from "../../src/components/Transfer";
import type { Job } from "../../src/queue";

/** A sheet under test with the app's transfer queue and its panel, as App renders them. */
export function WithQueue({ children, onShow = () => {} }: { children: ReactNode; onShow?: (job: Job) => void }) {
  const queue = useTransferQueue();
  return (
    <TransferQueueProvider value={queue.enqueue}>
      {children}
      <TransferPanel queue={queue} onShow={onShow} />
    </TransferQueueProvider>
  );
}
