/** config/routing.yaml with config/team.yaml (or ROUTING_FILE / TEAM_FILE), loaded like every shipped file. */
import { loadRoutingSetup } from '../agent/route/rules';
import { once, type ShippedPaths, shippedFile } from './shipped-files';

/** config/routing.yaml with config/team.yaml, for these paths. */
export const routingFrom = (paths?: () => ShippedPaths) => {
  const routing = shippedFile('config/routing.yaml', 'ROUTING_FILE', (text) => text, paths);
  const team = shippedFile('config/team.yaml', 'TEAM_FILE', (text) => text, paths);
  return once(() => loadRoutingSetup(routing(), team()));
};

export const shippedRouting = routingFrom();
/** The people of config/team.yaml by id. */
export const shippedPeople = () => shippedRouting().teams.people;
